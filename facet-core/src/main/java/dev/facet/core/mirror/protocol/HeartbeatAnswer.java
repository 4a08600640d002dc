package dev.facet.core.mirror.protocol;

/**
 * The primary's answer to a heartbeat: whether the mirror is still registered there (INSTALLED)
 * or was removed by an admin (REMOVED), restorable until {@code purgeAfter} (epoch millis).
 */
public record HeartbeatAnswer(String registration, String upstreamInstanceId, Long purgeAfter) {
}
