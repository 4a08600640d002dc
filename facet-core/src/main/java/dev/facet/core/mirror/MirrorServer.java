package dev.facet.core.mirror;

import java.time.Instant;

/**
 * A registered mirror on the primary, with what its last heartbeat reported.
 *
 * @param reportedState what the mirror said it is (null before its first heartbeat)
 * @param report        the last heartbeat as JSON (worst lags), or null
 * @param removedAt     when an admin deleted it, or null; it is purged at {@code purgeAfter}
 */
public record MirrorServer(String id, String name, String baseUrl, String publicKey, MirrorType type,
                           boolean allProjects, Instant createdAt, Instant lastSeen, String reportedState,
                           String version, int repositoriesInSync, int repositoriesBehind, String report,
                           Instant removedAt, Instant purgeAfter, String removedBy) {
    public boolean isRemoved() {
        return removedAt != null;
    }
}
