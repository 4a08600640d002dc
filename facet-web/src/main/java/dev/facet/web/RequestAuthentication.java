package dev.facet.web;

import dev.facet.core.access.Authenticator;
import dev.facet.core.access.Caller;
import dev.facet.core.access.Credentials;

/** Turns a request's {@code Authorization} header into a caller on the instance that checks credentials itself. */
public final class RequestAuthentication {
    private final Authenticator authenticator;

    public RequestAuthentication(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    public Caller caller(String authorization) {
        return Credentials.parse(authorization)
                .map(c -> c.isBearer() ? authenticator.authenticateToken(c.bearerToken())
                        : authenticator.authenticate(c.username(), c.secret()))
                .orElse(Caller.ANONYMOUS);
    }
}
