package dev.facet.core.mirror.protocol;

import dev.facet.core.mirror.MirrorType;

/**
 * Sent by a mirror to {@code POST /rest/mirroring/latest/requests}. For a farm, {@code mirrorId}
 * is the farm's id, and {@code node} is the node that asks and signs the request; a single mirror
 * sends no node, and signs as {@code mirrorId}.
 *
 * @param productVersion the Facet version the mirror runs, or null from a mirror that does not say
 */
public record AuthorizationRequest(String mirrorId, String name, String baseUrl, String publicKey,
                                   MirrorType mirrorType, FarmNodeDescription node, String productVersion) {
    /** A request that does not name the mirror's version. */
    public AuthorizationRequest(String mirrorId, String name, String baseUrl, String publicKey,
                                MirrorType mirrorType, FarmNodeDescription node) {
        this(mirrorId, name, baseUrl, publicKey, mirrorType, node, null);
    }
}
