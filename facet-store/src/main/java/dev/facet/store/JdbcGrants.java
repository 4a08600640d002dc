package dev.facet.store;

import dev.facet.core.access.Permission;
import dev.facet.core.store.Grants;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

final class JdbcGrants implements Grants {
    private final Handle handle;

    JdbcGrants(Handle handle) {
        this.handle = handle;
    }

    @Override
    public void grantOnProject(long projectId, long userId, Permission permission) {
        revokeOnProject(projectId, userId);
        handle.createUpdate("INSERT INTO project_permissions (project_id, user_id, permission) VALUES (:target, :userId, :permission)")
                .bind("target", projectId).bind("userId", userId).bind("permission", permission.name()).execute();
    }

    @Override
    public void grantOnRepository(long repositoryId, long userId, Permission permission) {
        revokeOnRepository(repositoryId, userId);
        handle.createUpdate("INSERT INTO repository_permissions (repository_id, user_id, permission) VALUES (:target, :userId, :permission)")
                .bind("target", repositoryId).bind("userId", userId).bind("permission", permission.name()).execute();
    }

    @Override
    public void revokeOnProject(long projectId, long userId) {
        handle.createUpdate("DELETE FROM project_permissions WHERE project_id = :target AND user_id = :userId")
                .bind("target", projectId).bind("userId", userId).execute();
    }

    @Override
    public void revokeOnRepository(long repositoryId, long userId) {
        handle.createUpdate("DELETE FROM repository_permissions WHERE repository_id = :target AND user_id = :userId")
                .bind("target", repositoryId).bind("userId", userId).execute();
    }

    @Override
    public Optional<Permission> onProject(long projectId, long userId) {
        return handle.createQuery("SELECT permission FROM project_permissions WHERE project_id = :target AND user_id = :userId")
                .bind("target", projectId).bind("userId", userId).mapTo(String.class).findOne().map(Permission::valueOf);
    }

    @Override
    public Optional<Permission> onRepository(long repositoryId, long userId) {
        return handle.createQuery("SELECT permission FROM repository_permissions WHERE repository_id = :target AND user_id = :userId")
                .bind("target", repositoryId).bind("userId", userId).mapTo(String.class).findOne().map(Permission::valueOf);
    }
}
