package dev.facet.primary;

import dev.facet.core.access.Authenticator;
import dev.facet.core.access.Caller;

/** Credentials on the primary: users' passwords and access tokens, and the fetch tokens of registered mirrors. */
public final class PrimaryAuthenticator implements Authenticator {
    private final UserService users;
    private final MirrorFetchTokens fetchTokens;

    public PrimaryAuthenticator(UserService users, MirrorFetchTokens fetchTokens) {
        this.users = users;
        this.fetchTokens = fetchTokens;
    }

    @Override
    public Caller authenticate(String username, String secret, String clientAddress) {
        return users.authenticate(username, secret, clientAddress);
    }

    @Override
    public Caller authenticateToken(String token, String clientAddress) {
        return token != null && token.startsWith(MirrorFetchTokens.PREFIX)
                ? fetchTokens.caller(token) : users.authenticateToken(token, clientAddress);
    }
}
