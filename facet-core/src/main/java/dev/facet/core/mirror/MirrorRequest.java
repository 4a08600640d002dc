package dev.facet.core.mirror;

import dev.facet.core.mirror.protocol.FarmNodeDescription;
import java.time.Instant;

/**
 * A mirror's request to be authorized, as the primary keeps it.
 *
 * @param sourceAddress the network address the request came from, to cap requests per source
 * @param node          for a farm, the node that asked and signed the request (its key is {@code publicKey});
 *                      null for a single mirror, which signs as {@code mirrorId}
 * @param productVersion the version the mirror said it runs when it asked, or null
 */
public record MirrorRequest(String id, String mirrorId, String name, String baseUrl, String publicKey,
                            MirrorType type, RequestState state, Instant createdAt, Instant decidedAt,
                            String decidedBy, String sourceAddress, FarmNodeDescription node, String productVersion) {

    /** A request that names no version. */
    public MirrorRequest(String id, String mirrorId, String name, String baseUrl, String publicKey, MirrorType type,
                         RequestState state, Instant createdAt, Instant decidedAt, String decidedBy,
                         String sourceAddress, FarmNodeDescription node) {
        this(id, mirrorId, name, baseUrl, publicKey, type, state, createdAt, decidedAt, decidedBy, sourceAddress, node,
                null);
    }

    /** A single mirror's request. */
    public MirrorRequest(String id, String mirrorId, String name, String baseUrl, String publicKey, MirrorType type,
                         RequestState state, Instant createdAt, Instant decidedAt, String decidedBy,
                         String sourceAddress) {
        this(id, mirrorId, name, baseUrl, publicKey, type, state, createdAt, decidedAt, decidedBy, sourceAddress, null);
    }

    /** The instance that signed the request: the farm node that asked, or the single mirror itself. */
    public String signerId() {
        return node == null ? mirrorId : node.id();
    }
}
