package dev.facet.core.store;

import dev.facet.core.access.Permission;

/** A permission as read back: who holds it ({@link User} or {@link Group}) and which one. */
public record Grant<T>(T grantee, Permission permission) {
}
