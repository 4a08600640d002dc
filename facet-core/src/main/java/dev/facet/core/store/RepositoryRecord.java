package dev.facet.core.store;

import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositoryName;
import dev.facet.core.name.RepositorySlug;

/** A hosted repository as the database knows it; its files live under a directory named by {@code id}. */
public record RepositoryRecord(long id, long projectId, ProjectKey projectKey, RepositorySlug slug,
                               RepositoryName name, boolean isPublic) {
}
