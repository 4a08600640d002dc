package dev.facet.store;

import dev.facet.core.access.Permission;
import dev.facet.core.error.AlreadyExists;
import dev.facet.core.store.AccessToken;
import dev.facet.core.store.AccessTokens;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcAccessTokens implements AccessTokens {
    static final String SELECT =
            "SELECT id, user_id, name, permissions, created_at, expires_at, last_used_at FROM access_tokens ";
    private final Handle handle;

    JdbcAccessTokens(Handle handle) {
        this.handle = handle;
    }

    @Override
    public AccessToken create(String id, long userId, String name, Set<Permission> permissions, String secretHash,
                              Instant createdAt, Instant expiresAt) {
        boolean nameTaken = handle.createQuery("SELECT COUNT(*) FROM access_tokens WHERE user_id = :userId AND name = :name")
                .bind("userId", userId).bind("name", name).mapTo(Long.class).one() > 0;
        if (nameTaken) {
            throw new AlreadyExists("name", "This user already has an access token named '" + name + "'.");
        }
        try {
            handle.createUpdate("INSERT INTO access_tokens (id, user_id, name, permissions, secret_hash, created_at, "
                            + "expires_at) VALUES (:id, :userId, :name, :permissions, :secretHash, :createdAt, :expiresAt)")
                    .bind("id", id).bind("userId", userId).bind("name", name)
                    .bind("permissions", column(permissions))
                    .bind("secretHash", secretHash).bind("createdAt", Timestamps.toColumn(createdAt))
                    .bind("expiresAt", Timestamps.toNullableColumn(expiresAt)).execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new AlreadyExists("name", "This user already has an access token named '" + name + "'.");
            }
            throw e;
        }
        return new AccessToken(id, userId, name, permissions, createdAt, expiresAt, null);
    }

    @Override
    public Optional<AccessToken> findBySecretHash(String secretHash) {
        return handle.createQuery(SELECT + "WHERE secret_hash = :secretHash")
                .bind("secretHash", secretHash).map(JdbcAccessTokens::map).findOne();
    }

    @Override
    public List<AccessToken> listForUser(long userId) {
        return handle.createQuery(SELECT + "WHERE user_id = :userId ORDER BY created_at DESC, id")
                .bind("userId", userId).map(JdbcAccessTokens::map).list();
    }

    @Override
    public Optional<AccessToken> find(long userId, String tokenId) {
        return handle.createQuery(SELECT + "WHERE user_id = :userId AND id = :id")
                .bind("userId", userId).bind("id", tokenId).map(JdbcAccessTokens::map).findOne();
    }

    @Override
    public void update(AccessToken token) {
        boolean nameTaken = handle.createQuery("SELECT COUNT(*) FROM access_tokens WHERE user_id = :userId "
                        + "AND name = :name AND id <> :id")
                .bind("userId", token.userId()).bind("name", token.name()).bind("id", token.id())
                .mapTo(Long.class).one() > 0;
        if (nameTaken) {
            throw new AlreadyExists("name", "This user already has an access token named '" + token.name() + "'.");
        }
        try {
            handle.createUpdate("UPDATE access_tokens SET name = :name, permissions = :permissions, "
                            + "expires_at = :expiresAt WHERE user_id = :userId AND id = :id")
                    .bind("name", token.name()).bind("permissions", column(token.permissions()))
                    .bind("expiresAt", Timestamps.toNullableColumn(token.expiresAt()))
                    .bind("userId", token.userId()).bind("id", token.id()).execute();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new AlreadyExists("name", "This user already has an access token named '" + token.name() + "'.");
            }
            throw e;
        }
    }

    @Override
    public boolean delete(long userId, String tokenId) {
        return handle.createUpdate("DELETE FROM access_tokens WHERE user_id = :userId AND id = :id")
                .bind("userId", userId).bind("id", tokenId).execute() > 0;
    }

    @Override
    public void markUsed(String tokenId, Instant at) {
        handle.createUpdate("UPDATE access_tokens SET last_used_at = :at WHERE id = :id")
                .bind("at", Timestamps.toColumn(at)).bind("id", tokenId).execute();
    }

    private static String column(Set<Permission> permissions) {
        return permissions.stream().map(Enum::name).sorted().collect(Collectors.joining(","));
    }

    static AccessToken map(ResultSet rs, StatementContext ctx) throws SQLException {
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        Arrays.stream(rs.getString("permissions").split(",")).filter(p -> !p.isEmpty())
                .map(Permission::valueOf).forEach(permissions::add);
        return new AccessToken(rs.getString("id"), rs.getLong("user_id"), rs.getString("name"), permissions,
                Timestamps.fromColumn(rs, "created_at"), Timestamps.fromNullableColumn(rs, "expires_at"),
                Timestamps.fromNullableColumn(rs, "last_used_at"));
    }
}
