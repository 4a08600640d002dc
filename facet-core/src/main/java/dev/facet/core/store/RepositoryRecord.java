package dev.facet.core.store;

import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositoryName;
import dev.facet.core.name.RepositorySlug;

/**
 * A hosted repository as the database knows it; its files live under a directory named by {@code id}.
 *
 * @param description what the repository is for, as its administrators wrote it, or null
 * @param forkable    whether its administrators allow forks of it (Facet keeps the setting; it has no forks yet)
 */
public record RepositoryRecord(long id, long projectId, ProjectKey projectKey, RepositorySlug slug,
                               RepositoryName name, boolean isPublic, String description, boolean forkable) {

    /** A repository as it is first created: no description, forks allowed. */
    public RepositoryRecord(long id, long projectId, ProjectKey projectKey, RepositorySlug slug, RepositoryName name,
                            boolean isPublic) {
        this(id, projectId, projectKey, slug, name, isPublic, null, true);
    }
}
