package dev.facet.store;

import dev.facet.core.access.Permission;
import dev.facet.core.store.Grant;
import dev.facet.core.store.Grants;
import dev.facet.core.store.Group;
import dev.facet.core.store.User;
import java.util.List;
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

    @Override
    public void grantGroupOnProject(long projectId, long groupId, Permission permission) {
        revokeGroupOnProject(projectId, groupId);
        handle.createUpdate("INSERT INTO project_group_permissions (project_id, group_id, permission) "
                        + "VALUES (:target, :groupId, :permission)")
                .bind("target", projectId).bind("groupId", groupId).bind("permission", permission.name()).execute();
    }

    @Override
    public void grantGroupOnRepository(long repositoryId, long groupId, Permission permission) {
        revokeGroupOnRepository(repositoryId, groupId);
        handle.createUpdate("INSERT INTO repository_group_permissions (repository_id, group_id, permission) "
                        + "VALUES (:target, :groupId, :permission)")
                .bind("target", repositoryId).bind("groupId", groupId).bind("permission", permission.name()).execute();
    }

    @Override
    public void revokeGroupOnProject(long projectId, long groupId) {
        handle.createUpdate("DELETE FROM project_group_permissions WHERE project_id = :target AND group_id = :groupId")
                .bind("target", projectId).bind("groupId", groupId).execute();
    }

    @Override
    public void revokeGroupOnRepository(long repositoryId, long groupId) {
        handle.createUpdate("DELETE FROM repository_group_permissions WHERE repository_id = :target AND group_id = :groupId")
                .bind("target", repositoryId).bind("groupId", groupId).execute();
    }

    @Override
    public List<Permission> throughGroupsOnProject(long projectId, long userId) {
        return handle.createQuery("SELECT p.permission FROM project_group_permissions p JOIN group_members m "
                        + "ON m.group_id = p.group_id WHERE p.project_id = :target AND m.user_id = :userId")
                .bind("target", projectId).bind("userId", userId).mapTo(String.class).list().stream()
                .map(Permission::valueOf).toList();
    }

    @Override
    public List<Permission> throughGroupsOnRepository(long repositoryId, long userId) {
        return handle.createQuery("SELECT p.permission FROM repository_group_permissions p JOIN group_members m "
                        + "ON m.group_id = p.group_id WHERE p.repository_id = :target AND m.user_id = :userId")
                .bind("target", repositoryId).bind("userId", userId).mapTo(String.class).list().stream()
                .map(Permission::valueOf).toList();
    }

    @Override
    public List<Grant<User>> usersOnProject(long projectId, String filter, int start, int limit) {
        return users("project_permissions", "project_id", projectId, filter, start, limit);
    }

    @Override
    public List<Grant<Group>> groupsOnProject(long projectId, String filter, int start, int limit) {
        return groups("project_group_permissions", "project_id", projectId, filter, start, limit);
    }

    @Override
    public List<Grant<User>> usersOnRepository(long repositoryId, String filter, int start, int limit) {
        return users("repository_permissions", "repository_id", repositoryId, filter, start, limit);
    }

    @Override
    public List<Grant<Group>> groupsOnRepository(long repositoryId, String filter, int start, int limit) {
        return groups("repository_group_permissions", "repository_id", repositoryId, filter, start, limit);
    }

    private List<Grant<User>> users(String table, String targetColumn, long target, String filter, int start,
                                    int limit) {
        return handle.createQuery(JdbcUsers.SELECT.replace(" FROM users ", ", p.permission FROM users ")
                        + "JOIN " + table + " p ON p.user_id = users.id WHERE p." + targetColumn + " = :target AND "
                        + JdbcUsers.MATCHES_FILTER + " ORDER BY users.name LIMIT :limit OFFSET :start")
                .bind("target", target).bind("pattern", Filters.containing(filter))
                .bind("limit", limit).bind("start", start)
                .map((rs, ctx) -> new Grant<>(JdbcUsers.map(rs, ctx), Permission.valueOf(rs.getString("permission"))))
                .list();
    }

    private List<Grant<Group>> groups(String table, String targetColumn, long target, String filter, int start,
                                      int limit) {
        return handle.createQuery("SELECT g.id, g.name, g.global_role, p.permission FROM user_groups g JOIN " + table
                        + " p ON p.group_id = g.id WHERE p." + targetColumn + " = :target AND LOWER(g.name) LIKE :pattern"
                        + Filters.ESCAPE + " ORDER BY g.name LIMIT :limit OFFSET :start")
                .bind("target", target).bind("pattern", Filters.containing(filter))
                .bind("limit", limit).bind("start", start)
                .map((rs, ctx) -> new Grant<>(JdbcGroups.map(rs, ctx), Permission.valueOf(rs.getString("permission"))))
                .list();
    }
}
