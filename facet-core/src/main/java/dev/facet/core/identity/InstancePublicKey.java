package dev.facet.core.identity;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.facet.core.digest.Sha256;
import dev.facet.core.error.InvalidInput;
import java.text.ParseException;

/**
 * An instance's Ed25519 public key as a JWK: what an instance sends when it registers with
 * another, and what the other side keeps (pins) to check its signed requests. The record holds
 * the key in canonical form ({@code {"crv":"Ed25519","kty":"OKP","x":"…"}}, RFC 7638 member order,
 * optional members dropped), so two records are equal exactly when they hold the same key.
 */
public record InstancePublicKey(String jwk) {
    private static final int MAX_LENGTH = 2048;
    private static final int ED25519_KEY_BYTES = 32;

    public InstancePublicKey {
        jwk = canonical(parse(jwk));
    }

    /** The RFC 7638 SHA-256 thumbprint as lower-case hex: a short form to compare and show. */
    public String fingerprint() {
        return Sha256.hex(jwk);
    }

    /**
     * The first 64 bits of {@link #fingerprint()} in four groups ({@code 3f2a:91bc:0d4e:77a1}), for
     * an administrator to compare by eye between a mirror's page and the primary's console.
     */
    public String shortFingerprint() {
        String hex = fingerprint();
        return hex.substring(0, 4) + ":" + hex.substring(4, 8) + ":" + hex.substring(8, 12) + ":" + hex.substring(12, 16);
    }

    OctetKeyPair key() {
        try {
            return OctetKeyPair.parse(jwk);
        } catch (ParseException e) {
            throw new IllegalStateException("A canonical public key always parses", e);
        }
    }

    private static OctetKeyPair parse(String json) {
        if (json == null || json.isBlank()) {
            throw invalid("A public key is required.");
        }
        if (json.length() > MAX_LENGTH) {
            throw invalid("A public key is at most " + MAX_LENGTH + " characters of JSON; this one has "
                    + json.length() + ".");
        }
        OctetKeyPair key;
        try {
            key = OctetKeyPair.parse(json);
        } catch (ParseException e) {
            throw invalid("The public key is not an Ed25519 JWK {\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"…\"}: "
                    + e.getMessage());
        }
        if (!Curve.Ed25519.equals(key.getCurve())) {
            throw invalid("The public key must be on curve Ed25519, not " + key.getCurve() + ".");
        }
        if (key.isPrivate()) {
            throw invalid("The public key JWK also holds the private key (\"d\"); send only the public half.");
        }
        if (key.getDecodedX().length != ED25519_KEY_BYTES) {
            throw invalid("The public key's \"x\" must be " + ED25519_KEY_BYTES + " bytes (base64url); it has "
                    + key.getDecodedX().length + ".");
        }
        return key;
    }

    private static String canonical(OctetKeyPair key) {
        // base64url needs no JSON escaping
        return "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + key.getX() + "\"}";
    }

    private static InvalidInput invalid(String message) {
        return new InvalidInput("publicKey", message);
    }
}
