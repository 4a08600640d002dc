package dev.facet.core.mirror.protocol;

import dev.facet.core.mirror.MirrorType;

/**
 * Sent by a mirror to {@code POST /rest/mirroring/latest/requests}. For a farm, {@code mirrorId}
 * is the farm's id, and {@code node} is the node that asks and signs the request; a single mirror
 * sends no node, and signs as {@code mirrorId}.
 */
public record AuthorizationRequest(String mirrorId, String name, String baseUrl, String publicKey,
                                   MirrorType mirrorType, FarmNodeDescription node) {
}
