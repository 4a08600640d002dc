package dev.facet.core.mirror;

import java.time.Instant;

/**
 * One node of a mirror farm, as the primary registers it: its own id and key (it signs its
 * requests as itself), the farm it belongs to, and what its own heartbeats last reported.
 *
 * @param url       the node's own URL on the farm's network, not the load balancer's
 * @param vouchedBy the node that vouched for it, or null for the node whose request an administrator accepted
 * @param lastSeen  its last heartbeat, or null before the first
 */
public record FarmNode(String id, String mirrorId, String name, String url, String publicKey, Instant createdAt,
                       String vouchedBy, Instant lastSeen, String reportedState, String version) {
}
