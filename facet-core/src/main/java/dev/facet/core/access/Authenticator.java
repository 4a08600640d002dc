package dev.facet.core.access;

/** Turns the credentials of a request into a caller. */
public interface Authenticator {
    /**
     * @param secret a password or an access token
     * @throws dev.facet.core.error.AuthenticationRequired when the credentials are wrong
     */
    Caller authenticate(String username, String secret);

    /**
     * Authenticates a bearer access token.
     *
     * @throws dev.facet.core.error.AuthenticationRequired when the token is unknown
     */
    Caller authenticateToken(String token);
}
