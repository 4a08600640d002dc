package dev.facet.store;

import dev.facet.core.access.GlobalRole;
import dev.facet.core.error.AlreadyExists;
import dev.facet.core.name.Username;
import dev.facet.core.store.AccessToken;
import dev.facet.core.store.ServiceUsers;
import dev.facet.core.store.SshKey;
import dev.facet.core.store.User;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

final class JdbcServiceUsers implements ServiceUsers {
    /** Not a hash of anything: no password matches it, so a service user cannot sign in with one. */
    static final String NO_PASSWORD = "!service-user";
    private final Handle handle;

    JdbcServiceUsers(Handle handle) {
        this.handle = handle;
    }

    @Override
    public User createForProject(long projectId, Username name, String displayName) {
        return create("service_project_id", projectId, name, displayName);
    }

    @Override
    public User createForRepository(long repositoryId, Username name, String displayName) {
        return create("service_repository_id", repositoryId, name, displayName);
    }

    private User create(String ownerColumn, long ownerId, Username name, String displayName) {
        try {
            long id = handle.createUpdate("INSERT INTO users (name, display_name, global_role, password_hash, created_at, "
                            + "user_type, " + ownerColumn + ") VALUES (:name, :displayName, :role, :hash, :createdAt, "
                            + "'SERVICE', :owner)")
                    .bind("name", name.value()).bind("displayName", displayName).bind("role", GlobalRole.USER.name())
                    .bind("hash", NO_PASSWORD).bind("createdAt", Timestamps.toColumn(Instant.now()))
                    .bind("owner", ownerId)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            return new User(id, name, displayName, null, GlobalRole.USER, NO_PASSWORD, true);
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new AlreadyExists("name", "User '" + name + "' already exists.");
            }
            throw e;
        }
    }

    @Override
    public List<AccessToken> tokensOfProject(long projectId) {
        return tokensOf("service_project_id", projectId);
    }

    @Override
    public List<AccessToken> tokensOfRepository(long repositoryId) {
        return tokensOf("service_repository_id", repositoryId);
    }

    private List<AccessToken> tokensOf(String ownerColumn, long ownerId) {
        return handle.createQuery(JdbcAccessTokens.SELECT + "WHERE user_id IN (SELECT id FROM users WHERE "
                        + ownerColumn + " = :owner AND user_type = 'SERVICE') ORDER BY created_at DESC, id")
                .bind("owner", ownerId).map(JdbcAccessTokens::map).list();
    }

    @Override
    public List<SshKey> accessKeysOfProject(long projectId) {
        return accessKeysOf("service_project_id", projectId);
    }

    @Override
    public List<SshKey> accessKeysOfRepository(long repositoryId) {
        return accessKeysOf("service_repository_id", repositoryId);
    }

    private List<SshKey> accessKeysOf(String ownerColumn, long ownerId) {
        return handle.createQuery(JdbcSshKeys.SELECT + "WHERE user_id IN (SELECT id FROM users WHERE "
                        + ownerColumn + " = :owner AND user_type = 'SERVICE') ORDER BY id")
                .bind("owner", ownerId).map(JdbcSshKeys::map).list();
    }
}
