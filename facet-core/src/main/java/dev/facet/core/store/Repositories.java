package dev.facet.core.store;

import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositoryName;
import dev.facet.core.name.RepositorySlug;
import java.util.List;
import java.util.Optional;

/** The repositories table. */
public interface Repositories {
    /** @throws dev.facet.core.error.AlreadyExists when the project already has a repository with that slug */
    RepositoryRecord create(Project project, RepositoryName name, boolean isPublic);

    Optional<RepositoryRecord> find(ProjectKey projectKey, RepositorySlug slug);

    Optional<RepositoryRecord> findById(long repositoryId);

    /** A project's repositories ordered by slug. */
    List<RepositoryRecord> listInProject(long projectId, int start, int limit);

    /** Every repository, ordered by id. */
    List<RepositoryRecord> listAll(int start, int limit);

    long count();

    /** @throws dev.facet.core.error.AlreadyExists when the new slug is taken in the project */
    RepositoryRecord rename(long repositoryId, RepositoryName newName);

    RepositoryRecord setPublic(long repositoryId, boolean isPublic);

    /** Sets what the repository's administrators say about it: its description (null for none) and whether it may be forked. */
    RepositoryRecord describe(long repositoryId, String description, boolean forkable);

    void delete(long repositoryId);
}
