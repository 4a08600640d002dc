package dev.facet.mirror;

/** Signs each request a mirror sends: a one-time token addressed to the receiving instance. */
@FunctionalInterface
public interface RequestSigner {
    /** A value for {@code Authorization: Bearer}, addressed to {@code audienceInstanceId}. */
    String sign(String audienceInstanceId);
}
