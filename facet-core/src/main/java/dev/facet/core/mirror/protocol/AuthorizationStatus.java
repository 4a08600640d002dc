package dev.facet.core.mirror.protocol;

import dev.facet.core.mirror.RequestState;

/**
 * The primary's answer about a request. Once ACCEPTED it carries what the mirror pins: the
 * upstream's instance id and public key, and the event position to start from.
 */
public record AuthorizationStatus(String requestId, RequestState state, String upstreamInstanceId,
                                  String upstreamPublicKey, Long eventSequence, String eventHash,
                                  String reviewUrl) {
}
