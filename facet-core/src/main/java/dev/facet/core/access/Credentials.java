package dev.facet.core.access;

import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * What a client presented to prove who it is: over HTTP, what an {@code Authorization} header
 * carries (Basic with a user name and a password or an access token, or a bearer token); over
 * SSH, the fingerprint of a public key whose private half the client proved it holds.
 *
 * @param keyFingerprint the SHA-256 fingerprint of the SSH key, when that is what was presented
 */
public record Credentials(String username, String secret, String bearerToken, String keyFingerprint) {

    public Credentials(String username, String secret, String bearerToken) {
        this(username, secret, bearerToken, null);
    }

    /** A key the SSH server has already seen the client sign with. */
    public static Credentials publicKey(String fingerprint) {
        return new Credentials(null, null, null, fingerprint);
    }

    /** Reads a header; none (or a blank one) means an anonymous request. */
    public static Optional<Credentials> parse(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Optional.empty();
        }
        String header = authorization.strip();
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        String value = space < 0 ? "" : header.substring(space + 1).strip();
        switch (scheme.toLowerCase(Locale.ROOT)) {
            case "basic" -> {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new InvalidInput("Authorization", "The Basic credentials are not valid Base64.");
                }
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw new InvalidInput("Authorization", "Basic credentials must have the form user:password.");
                }
                return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1), null));
            }
            case "bearer" -> {
                return Optional.of(new Credentials(null, null, value));
            }
            default -> throw new AuthenticationRequired(
                    "Authorization scheme '" + scheme + "' is not supported; use Basic or Bearer.");
        }
    }

    public boolean isBearer() {
        return bearerToken != null;
    }

    public boolean isPublicKey() {
        return keyFingerprint != null;
    }

    @Override
    public String toString() {
        return isBearer() ? "Credentials[bearer]" : isPublicKey() ? "Credentials[key " + keyFingerprint + "]"
                : "Credentials[" + username + "]";
    }
}
