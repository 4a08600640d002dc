package dev.facet.ssh;

/**
 * Decides whether a key may open an SSH session at all, before any command: on the primary the
 * key must be registered to an active user; a mirror asks its primary.
 */
@FunctionalInterface
public interface KeyLogins {
    /**
     * @param fingerprint   the SHA-256 fingerprint of a key the client has just signed with
     * @param clientAddress where the client connects from
     * @throws dev.facet.core.error.FacetException when the key may not sign in; its message is logged
     */
    void requireKnown(String fingerprint, String clientAddress);
}
