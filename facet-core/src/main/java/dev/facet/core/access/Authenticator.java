package dev.facet.core.access;

import dev.facet.core.error.AuthenticationRequired;

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

    /**
     * The user an SSH key belongs to. The SSH server calls this only for a key the client proved it
     * holds, so there is nothing to guess and nothing to throttle.
     *
     * @throws dev.facet.core.error.AuthenticationRequired when no active user registered the key
     */
    default Caller authenticateKey(String fingerprint, String clientAddress) {
        throw new AuthenticationRequired("SSH keys are not accepted here.");
    }

    /**
     * The caller behind whatever credentials a transport read (an HTTP header, an SSH key): the one
     * place that chooses how each kind is checked, so no transport checks a kind its own way.
     *
     * @param credentials empty for a request that presents none (an anonymous caller)
     */
    default Caller caller(java.util.Optional<Credentials> credentials, String clientAddress) {
        return credentials
                .map(c -> c.isPublicKey() ? authenticateKey(c.keyFingerprint(), clientAddress)
                        : c.isBearer() ? authenticateToken(c.bearerToken(), clientAddress)
                        : authenticate(c.username(), c.secret(), clientAddress))
                .orElse(Caller.ANONYMOUS);
    }
}
