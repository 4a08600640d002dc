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

    /** @param clientAddress the address the request came from, for the throttle on wrong credentials */
    public Caller caller(String authorization, String clientAddress) {
        return authenticator.caller(Credentials.parse(authorization), clientAddress);
    }
}
