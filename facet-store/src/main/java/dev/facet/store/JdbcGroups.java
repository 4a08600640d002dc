package dev.facet.store;

import dev.facet.core.access.GlobalRole;
import dev.facet.core.error.AlreadyExists;
import dev.facet.core.name.GroupName;
import dev.facet.core.store.Group;
import dev.facet.core.store.Groups;
import dev.facet.core.store.User;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcGroups implements Groups {
    private static final String SELECT = "SELECT g.id, g.name, g.global_role FROM user_groups g ";
    private final Handle handle;

    JdbcGroups(Handle handle) {
        this.handle = handle;
    }

    @Override
    public Group create(GroupName name) {
        if (find(name).isPresent()) {
            throw new AlreadyExists("name", "Group '" + name + "' already exists.");
        }
        try {
            long id = handle.createUpdate("INSERT INTO user_groups (name, created_at) VALUES (:name, :createdAt)")
                    .bind("name", name.value()).bind("createdAt", Timestamps.toColumn(Instant.now()))
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            return new Group(id, name, null);
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new AlreadyExists("name", "Group '" + name + "' already exists.");
            }
            throw e;
        }
    }

    @Override
    public Optional<Group> find(GroupName name) {
        return handle.createQuery(SELECT + "WHERE g.name = :name").bind("name", name.value())
                .map(JdbcGroups::map).findOne();
    }

    @Override
    public void delete(long groupId) {
        handle.createUpdate("DELETE FROM user_groups WHERE id = :id").bind("id", groupId).execute();
    }

    @Override
    public List<Group> list(String filter, Boolean withRole, int start, int limit) {
        String role = withRole == null ? "" : withRole ? "AND g.global_role IS NOT NULL " : "AND g.global_role IS NULL ";
        return handle.createQuery(SELECT + "WHERE LOWER(g.name) LIKE :pattern" + Filters.ESCAPE + " " + role
                        + "ORDER BY g.name LIMIT :limit OFFSET :start")
                .bind("pattern", Filters.containing(filter)).bind("limit", limit).bind("start", start)
                .map(JdbcGroups::map).list();
    }

    @Override
    public void setRole(long groupId, GlobalRole role) {
        handle.createUpdate("UPDATE user_groups SET global_role = :role WHERE id = :id")
                .bind("role", role == null ? null : role.name()).bind("id", groupId).execute();
    }

    @Override
    public void addMember(long groupId, long userId) {
        if (!isMember(groupId, userId)) {
            handle.createUpdate("INSERT INTO group_members (group_id, user_id) VALUES (:groupId, :userId)")
                    .bind("groupId", groupId).bind("userId", userId).execute();
        }
    }

    @Override
    public void removeMember(long groupId, long userId) {
        handle.createUpdate("DELETE FROM group_members WHERE group_id = :groupId AND user_id = :userId")
                .bind("groupId", groupId).bind("userId", userId).execute();
    }

    @Override
    public boolean isMember(long groupId, long userId) {
        return handle.createQuery("SELECT COUNT(*) FROM group_members WHERE group_id = :groupId AND user_id = :userId")
                .bind("groupId", groupId).bind("userId", userId).mapTo(Long.class).one() > 0;
    }

    @Override
    public List<User> members(long groupId, boolean members, String filter, int start, int limit) {
        return handle.createQuery(JdbcUsers.SELECT + "WHERE " + (members ? "" : "NOT ")
                        + "EXISTS (SELECT 1 FROM group_members m WHERE m.user_id = users.id AND m.group_id = :groupId) "
                        + "AND " + JdbcUsers.NORMAL + " AND " + JdbcUsers.MATCHES_FILTER
                        + " ORDER BY name LIMIT :limit OFFSET :start")
                .bind("groupId", groupId).bind("pattern", Filters.containing(filter))
                .bind("limit", limit).bind("start", start).map(JdbcUsers::map).list();
    }

    @Override
    public List<Group> groupsOf(long userId, boolean memberOf, String filter, int start, int limit) {
        return handle.createQuery(SELECT + "WHERE " + (memberOf ? "" : "NOT ")
                        + "EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.user_id = :userId) "
                        + "AND LOWER(g.name) LIKE :pattern" + Filters.ESCAPE + " ORDER BY g.name LIMIT :limit OFFSET :start")
                .bind("userId", userId).bind("pattern", Filters.containing(filter))
                .bind("limit", limit).bind("start", start).map(JdbcGroups::map).list();
    }

    @Override
    public Optional<GlobalRole> roleThroughGroups(long userId) {
        return handle.createQuery("SELECT g.global_role FROM user_groups g JOIN group_members m ON m.group_id = g.id "
                        + "WHERE m.user_id = :userId AND g.global_role IS NOT NULL")
                .bind("userId", userId).mapTo(String.class).list().stream().map(GlobalRole::valueOf)
                .reduce(GlobalRole::max);
    }

    static Group map(ResultSet rs, StatementContext ctx) throws SQLException {
        String role = rs.getString("global_role");
        return new Group(rs.getLong("id"), new GroupName(rs.getString("name")),
                role == null ? null : GlobalRole.valueOf(role));
    }
}
