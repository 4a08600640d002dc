package dev.facet.core.mirror;

import java.time.Instant;

/** A mirror's request to be authorized, as the primary keeps it. */
public record MirrorRequest(String id, String mirrorId, String name, String baseUrl, String publicKey,
                            MirrorType type, RequestState state, Instant createdAt, Instant decidedAt,
                            String decidedBy) {
}
