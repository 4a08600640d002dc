package dev.facet.core.identity;

import java.util.Optional;

/**
 * Finds the public key of an instance registered here: on a primary, its mirrors; on a mirror,
 * its pinned upstream.
 */
@FunctionalInterface
public interface KeyLookup {
    /** The instance's public key as a JWK (the JSON of {@link InstancePublicKey#jwk()}), or empty when it is unknown. */
    Optional<String> publicKeyOf(String issuerId);
}
