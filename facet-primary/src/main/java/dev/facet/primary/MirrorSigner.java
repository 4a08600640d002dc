package dev.facet.primary;

/**
 * Who signed a mirror's request, as the primary knows it: the node whose key verified the
 * signature, and the mirror server that node acts for. A single mirror is its own one node
 * ({@code nodeId} equals {@code mirrorId}); a farm's nodes each sign as themselves, so the
 * primary can tell which node did what.
 *
 * @param publicKey the node's key, as a JWK
 */
public record MirrorSigner(String mirrorId, String nodeId, String publicKey) {
    /** How logs and the audit trail name the signer. */
    public String describe() {
        return nodeId.equals(mirrorId) ? "mirror " + mirrorId : "node " + nodeId + " of mirror " + mirrorId;
    }
}
