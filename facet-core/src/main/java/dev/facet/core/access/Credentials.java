package dev.facet.core.access;

import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * What an {@code Authorization} header carries: HTTP Basic (a user name with a password or an
 * access token) or a bearer token.
 */
public record Credentials(String username, String secret, String bearerToken) {

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

    @Override
    public String toString() {
        return isBearer() ? "Credentials[bearer]" : "Credentials[" + username + "]";
    }
}
