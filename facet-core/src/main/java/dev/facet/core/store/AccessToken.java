package dev.facet.core.store;

import dev.facet.core.access.Permission;
import dev.facet.core.error.InvalidInput;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * An HTTP access token: it acts as its user, capped by its own permissions. Only its hash is stored.
 *
 * @param expiresAt  null when it never expires
 * @param lastUsedAt null until it first authenticates a request
 */
public record AccessToken(String id, long userId, String name, Set<Permission> permissions, Instant createdAt,
                          Instant expiresAt, Instant lastUsedAt) {
    public AccessToken {
        permissions = Set.copyOf(permissions);
    }

    /**
     * This token renamed, given other permissions or another expiry; each left null stays as it is. The expiry
     * counts from the token's creation, so that no change makes a token outlive the longest expiry.
     *
     * @throws InvalidInput when the new expiry would already have passed at {@code now}
     */
    public AccessToken changedTo(String newName, Set<Permission> newPermissions, Integer expiryDays, Instant now) {
        Instant newExpiry = expiryDays == null ? expiresAt : createdAt.plus(Duration.ofDays(expiryDays));
        if (expiryDays != null && !newExpiry.isAfter(now)) {
            throw new InvalidInput("expiryDays", "A token created on " + createdAt + " would already have expired "
                    + "after " + expiryDays + " days: revoke it instead.");
        }
        return new AccessToken(id, userId, newName == null ? name : newName,
                newPermissions == null ? permissions : newPermissions, createdAt, newExpiry, lastUsedAt);
    }

    /** Whether it no longer authenticates anything at {@code now}. */
    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
