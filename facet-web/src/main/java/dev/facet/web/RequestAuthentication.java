package dev.facet.web;

import dev.facet.core.access.Authenticator;
import dev.facet.core.access.Caller;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * Reads the {@code Authorization} header of REST and Git requests alike: HTTP Basic with a
 * password or an access token, or {@code Bearer <token>}. No header means an anonymous caller.
 */
public final class RequestAuthentication {
    private final Authenticator authenticator;

    public RequestAuthentication(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    public Caller caller(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Caller.ANONYMOUS;
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
                return authenticator.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
            }
            case "bearer" -> {
                return authenticator.authenticateToken(value);
            }
            default -> throw new AuthenticationRequired(
                    "Authorization scheme '" + scheme + "' is not supported; use Basic or Bearer.");
        }
    }
}
