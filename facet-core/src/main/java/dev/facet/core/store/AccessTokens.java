package dev.facet.core.store;

import dev.facet.core.access.Permission;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** The access tokens table, looked up by the SHA-256 of the secret. */
public interface AccessTokens {
    /** @throws dev.facet.core.error.AlreadyExists when the user already has a token with that name */
    AccessToken create(String id, long userId, String name, Set<Permission> permissions, String secretHash,
                       Instant createdAt);

    Optional<AccessToken> findBySecretHash(String secretHash);
}
