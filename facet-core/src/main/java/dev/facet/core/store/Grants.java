package dev.facet.core.store;

import dev.facet.core.access.Permission;
import java.util.Optional;

/** Permissions granted to users on projects and repositories; one permission per user and target. */
public interface Grants {
    void grantOnProject(long projectId, long userId, Permission permission);

    void grantOnRepository(long repositoryId, long userId, Permission permission);

    void revokeOnProject(long projectId, long userId);

    void revokeOnRepository(long repositoryId, long userId);

    Optional<Permission> onProject(long projectId, long userId);

    Optional<Permission> onRepository(long repositoryId, long userId);
}
