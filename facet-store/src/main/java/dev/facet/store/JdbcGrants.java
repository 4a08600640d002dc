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
        replace("project_permissions", "project_id", "user_id", projectId, userId, permission);
    }

    @Override
    public void grantOnRepository(long repositoryId, long userId, Permission permission) {
        replace("repository_permissions", "repository_id", "user_id", repositoryId, userId, permission);
    }

    @Override
    public void revokeOnProject(long projectId, long userId) {
        remove("project_permissions", "project_id", "user_id", projectId, userId);
    }

    @Override
    public void revokeOnRepository(long repositoryId, long userId) {
        remove("repository_permissions", "repository_id", "user_id", repositoryId, userId);
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
        replace("project_group_permissions", "project_id", "group_id", projectId, groupId, permission);
    }

    @Override
    public void grantGroupOnRepository(long repositoryId, long groupId, Permission permission) {
        replace("repository_group_permissions", "repository_id", "group_id", repositoryId, groupId, permission);
    }

    @Override
    public void revokeGroupOnProject(long projectId, long groupId) {
        remove("project_group_permissions", "project_id", "group_id", projectId, groupId);
    }

    @Override
    public void revokeGroupOnRepository(long repositoryId, long groupId) {
        remove("repository_group_permissions", "repository_id", "group_id", repositoryId, groupId);
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
                        + JdbcUsers.NORMAL + " AND " + JdbcUsers.MATCHES_FILTER + " ORDER BY users.name LIMIT :limit OFFSET :start")
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

    /** Replaces what the grantee held on the target: one permission per grantee and target. */
    private void replace(String table, String targetColumn, String granteeColumn, long target, long grantee,
                         Permission permission) {
        remove(table, targetColumn, granteeColumn, target, grantee);
        handle.createUpdate("INSERT INTO " + table + " (" + targetColumn + ", " + granteeColumn + ", permission) "
                        + "VALUES (:target, :grantee, :permission)")
                .bind("target", target).bind("grantee", grantee).bind("permission", permission.name()).execute();
    }

    private void remove(String table, String targetColumn, String granteeColumn, long target, long grantee) {
        handle.createUpdate("DELETE FROM " + table + " WHERE " + targetColumn + " = :target AND " + granteeColumn
                        + " = :grantee")
                .bind("target", target).bind("grantee", grantee).execute();
    }
}
