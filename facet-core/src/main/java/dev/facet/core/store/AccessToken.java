package dev.facet.core.store;

import dev.facet.core.access.Permission;
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

    /** Whether it no longer authenticates anything at {@code now}. */
    public boolean isExpired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
