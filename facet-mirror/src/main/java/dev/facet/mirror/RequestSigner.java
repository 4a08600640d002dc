package dev.facet.mirror;

import dev.facet.core.identity.RequestBinding;

/** Signs each request a mirror sends: a one-time token addressed to the receiving instance, for that request only. */
@FunctionalInterface
public interface RequestSigner {
    /** A value for {@code Authorization: Bearer}, addressed to {@code audienceInstanceId} and bound to {@code request}. */
    String sign(String audienceInstanceId, RequestBinding request);
}
