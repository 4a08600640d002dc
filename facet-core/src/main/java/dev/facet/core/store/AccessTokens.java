package dev.facet.core.store;

import dev.facet.core.access.Permission;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The access tokens table, looked up by the SHA-256 of the secret. */
public interface AccessTokens {
    /**
     * @param expiresAt null for a token that never expires
     * @throws dev.facet.core.error.AlreadyExists when the user already has a token with that name
     */
    AccessToken create(String id, long userId, String name, Set<Permission> permissions, String secretHash,
                       Instant createdAt, Instant expiresAt);

    Optional<AccessToken> findBySecretHash(String secretHash);

    /** A user's tokens, newest first. */
    List<AccessToken> listForUser(long userId);

    /** One of a user's tokens; empty when the user has no token with that id. */
    Optional<AccessToken> find(long userId, String tokenId);

    /**
     * Writes a token's name, permissions and expiry; its secret, owner and dates of creation and use stay.
     *
     * @throws dev.facet.core.error.AlreadyExists when another of the user's tokens has that name
     */
    void update(AccessToken token);

    /** @return whether the user had a token with this id */
    boolean delete(long userId, String tokenId);

    /** Records that the token just authenticated a request. */
    void markUsed(String tokenId, Instant at);
}
