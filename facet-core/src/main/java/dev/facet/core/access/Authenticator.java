package dev.facet.core.access;

/**
 * Turns the credentials of a request into a caller. Every check is throttled by account and by
 * the address of the client that sent the credentials (for a request a mirror passes on, the
 * address of the mirror's client), so guessing is slow whichever way credentials arrive.
 */
public interface Authenticator {
    /**
     * @param secret        a password or an access token
     * @param clientAddress the address of the client that sent the credentials
     * @throws dev.facet.core.error.AuthenticationRequired when the credentials are wrong
     * @throws dev.facet.core.error.TooManyAttempts        while this account or address must wait
     */
    Caller authenticate(String username, String secret, String clientAddress);

    /**
     * Authenticates a bearer access token.
     *
     * @throws dev.facet.core.error.AuthenticationRequired when the token is unknown
     * @throws dev.facet.core.error.TooManyAttempts        while this address must wait
     */
    Caller authenticateToken(String token, String clientAddress);
}
