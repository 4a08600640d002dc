package dev.facet.core.mirror;

import java.time.Instant;

/**
 * A mirror's request to be authorized, as the primary keeps it.
 *
 * @param sourceAddress the network address the request came from, to cap requests per source
 */
public record MirrorRequest(String id, String mirrorId, String name, String baseUrl, String publicKey,
                            MirrorType type, RequestState state, Instant createdAt, Instant decidedAt,
                            String decidedBy, String sourceAddress) {
}
