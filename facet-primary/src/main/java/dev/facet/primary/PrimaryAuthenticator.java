package dev.facet.primary;

import dev.facet.core.access.Authenticator;
import dev.facet.core.access.Caller;

/** Credentials on the primary: users' passwords and access tokens, and the fetch tokens of registered mirrors. */
public final class PrimaryAuthenticator implements Authenticator {
    private final UserService users;
    private final MirrorRegistry mirrors;

    public PrimaryAuthenticator(UserService users, MirrorRegistry mirrors) {
        this.users = users;
        this.mirrors = mirrors;
    }

    @Override
    public Caller authenticate(String username, String secret, String clientAddress) {
        return users.authenticate(username, secret, clientAddress);
    }

    @Override
    public Caller authenticateToken(String token, String clientAddress) {
        return token != null && token.startsWith(MirrorRegistry.FETCH_TOKEN_PREFIX)
                ? mirrors.fetchCaller(token) : users.authenticateToken(token, clientAddress);
    }
}
