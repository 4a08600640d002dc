package dev.facet.store;

import dev.facet.core.access.GlobalRole;
import dev.facet.core.error.AlreadyExists;
import dev.facet.core.name.Username;
import dev.facet.core.store.User;
import dev.facet.core.store.Users;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcUsers implements Users {
    static final String SELECT =
            "SELECT users.id, users.name, users.display_name, users.email_address, users.global_role, "
                    + "users.password_hash, users.active FROM users ";
    /** Whether the user's name, display name or email holds the {@code :pattern} of {@link Filters#containing}. */
    static final String MATCHES_FILTER = "(LOWER(users.name) LIKE :pattern" + Filters.ESCAPE
            + " OR LOWER(users.display_name) LIKE :pattern" + Filters.ESCAPE
            + " OR LOWER(COALESCE(users.email_address, '')) LIKE :pattern" + Filters.ESCAPE + ")";
    /**
     * Only normal users are found by name, counted and listed: the service users behind project and repository
     * tokens ({@link JdbcServiceUsers}) are reached through their token alone, so nothing that names a user can
     * sign one in, grant it more or add it to a group.
     */
    static final String NORMAL = "users.user_type = 'NORMAL'";
    private final Handle handle;

    JdbcUsers(Handle handle) {
        this.handle = handle;
    }

    @Override
    public User create(Username name, String displayName, String emailAddress, GlobalRole role, String passwordHash) {
        if (find(name).isPresent()) {
            throw new AlreadyExists("name", "User '" + name + "' already exists.");
        }
        try {
            long id = handle.createUpdate("INSERT INTO users (name, display_name, email_address, global_role, "
                            + "password_hash, created_at) VALUES (:name, :displayName, :email, :role, :hash, :createdAt)")
                    .bind("name", name.value()).bind("displayName", displayName).bind("email", emailAddress)
                    .bind("role", role.name()).bind("hash", passwordHash)
                    .bind("createdAt", Timestamps.toColumn(Instant.now()))
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            return new User(id, name, displayName, emailAddress, role, passwordHash, true);
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new AlreadyExists("name", "User '" + name + "' already exists.");
            }
            throw e;
        }
    }

    @Override
    public Optional<User> find(Username name) {
        return handle.createQuery(SELECT + "WHERE name = :name AND " + NORMAL).bind("name", name.value())
                .map(JdbcUsers::map).findOne();
    }

    @Override
    public Optional<User> findById(long userId) {
        return handle.createQuery(SELECT + "WHERE id = :id").bind("id", userId).map(JdbcUsers::map).findOne();
    }

    @Override
    public long count() {
        return handle.createQuery("SELECT COUNT(*) FROM users WHERE " + NORMAL).mapTo(Long.class).one();
    }

    @Override
    public List<User> list(int start, int limit) {
        return handle.createQuery(SELECT + "WHERE " + NORMAL + " ORDER BY name LIMIT :limit OFFSET :start")
                .bind("limit", limit).bind("start", start).map(JdbcUsers::map).list();
    }

    @Override
    public List<User> list(String filter, int start, int limit) {
        return handle.createQuery(SELECT + "WHERE " + NORMAL + " AND " + MATCHES_FILTER
                        + " ORDER BY name LIMIT :limit OFFSET :start")
                .bind("pattern", Filters.containing(filter)).bind("limit", limit).bind("start", start)
                .map(JdbcUsers::map).list();
    }

    @Override
    public void setDetails(long userId, String displayName, String emailAddress) {
        handle.createUpdate("UPDATE users SET display_name = :displayName, email_address = :email WHERE id = :id")
                .bind("displayName", displayName).bind("email", emailAddress).bind("id", userId).execute();
    }

    @Override
    public void setRole(long userId, GlobalRole role) {
        handle.createUpdate("UPDATE users SET global_role = :role WHERE id = :id")
                .bind("role", role.name()).bind("id", userId).execute();
    }

    @Override
    public void setPasswordHash(long userId, String passwordHash) {
        handle.createUpdate("UPDATE users SET password_hash = :hash WHERE id = :id")
                .bind("hash", passwordHash).bind("id", userId).execute();
    }

    @Override
    public void setActive(long userId, boolean active) {
        handle.createUpdate("UPDATE users SET active = :active WHERE id = :id")
                .bind("active", active).bind("id", userId).execute();
    }

    @Override
    public void delete(long userId) {
        handle.createUpdate("DELETE FROM users WHERE id = :id").bind("id", userId).execute();
    }

    static User map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new User(rs.getLong("id"), new Username(rs.getString("name")), rs.getString("display_name"),
                rs.getString("email_address"), GlobalRole.valueOf(rs.getString("global_role")),
                rs.getString("password_hash"), rs.getBoolean("active"));
    }
}
