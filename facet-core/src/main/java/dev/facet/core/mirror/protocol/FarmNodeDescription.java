package dev.facet.core.mirror.protocol;

/**
 * One node of a mirror farm as the primary registers it: its own id (its instance id, the issuer
 * of the requests it signs), its name, its own URL on the farm's network (not the load
 * balancer's), and its public key. Sent in a farm's authorization request for the node that asks,
 * and by a trusted node of the farm to vouch for one that joined later
 * ({@code POST /rest/mirroring/latest/nodes}).
 */
public record FarmNodeDescription(String id, String name, String url, String publicKey) {
}
