package dev.facet.core.mirror;

/**
 * What a mirror knows of its upstream: where it is, where the registration stands, and the pin
 * recorded at authorization (the upstream's instance id and key and the event position).
 *
 * @param appliedSequence the last event the mirror applied; the stream resumes after it
 */
public record UpstreamLink(String upstreamUrl, UpstreamState state, String requestId, String upstreamInstanceId,
                           String upstreamPublicKey, long pinnedSequence, String pinnedHash, long appliedSequence,
                           String appliedHash) {
    public static UpstreamLink unconfigured(String upstreamUrl) {
        return new UpstreamLink(upstreamUrl, UpstreamState.UNCONFIGURED, null, null, null, 0, null, 0, null);
    }
}
