package dev.facet.core.store;

import dev.facet.core.name.ProjectKey;
import java.util.List;
import java.util.Optional;

/** The projects table. */
public interface Projects {
    /** @throws dev.facet.core.error.AlreadyExists when the key or the name is taken */
    Project create(ProjectKey key, String name, String description, boolean isPublic);

    Optional<Project> find(ProjectKey key);

    Optional<Project> findById(long projectId);

    /** Projects ordered by key; {@code limit} rows at most from {@code start}. */
    List<Project> list(int start, int limit);

    /** @throws dev.facet.core.error.AlreadyExists when another project has the name */
    Project update(long projectId, String name, String description, boolean isPublic);

    void delete(long projectId);
}
