package dev.facet.core.mirror;

import java.time.Instant;

/**
 * A registered mirror on the primary, with what its last heartbeat reported.
 *
 * @param reportedState what the mirror said it is (null before its first heartbeat)
 * @param report        the last heartbeat as JSON (worst lags), or null
 */
public record MirrorServer(String id, String name, String baseUrl, String publicKey, MirrorType type,
                           boolean allProjects, Instant createdAt, Instant lastSeen, String reportedState,
                           String version, int repositoriesInSync, int repositoriesBehind, String report) {
}
