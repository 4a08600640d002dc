package dev.facet.core.mirror.protocol;

/** The primary's answer to a heartbeat: whether the mirror is still registered there. */
public record HeartbeatAnswer(String registration, String upstreamInstanceId) {
}
