package dev.facet.core.access;

/** How much a caller may do with a repository or project; each level includes the ones below it. */
public enum AccessLevel {
    NONE, READ, WRITE, ADMIN;

    public boolean allows(AccessLevel needed) {
        return compareTo(needed) >= 0;
    }

    public static AccessLevel max(AccessLevel a, AccessLevel b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    public static AccessLevel min(AccessLevel a, AccessLevel b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
