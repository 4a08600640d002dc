package dev.facet.core.mirror.protocol;

import dev.facet.core.mirror.MirrorType;

/** Sent by a mirror to {@code POST /rest/mirroring/latest/requests}. */
public record AuthorizationRequest(String mirrorId, String name, String baseUrl, String publicKey,
                                   MirrorType mirrorType) {
}
