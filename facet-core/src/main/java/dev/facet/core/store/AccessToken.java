package dev.facet.core.store;

import dev.facet.core.access.Permission;
import java.time.Instant;
import java.util.Set;

/** An HTTP access token: it acts as its user, capped by its own permissions. Only its hash is stored. */
public record AccessToken(String id, long userId, String name, Set<Permission> permissions, Instant createdAt) {
}
