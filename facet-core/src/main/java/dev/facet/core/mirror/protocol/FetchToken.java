package dev.facet.core.mirror.protocol;

/**
 * A short-lived bearer token a mirror uses for its Git fetches from the primary. A fetch is
 * several HTTP requests, so it cannot carry a one-time signed token; the signed request that
 * obtains this one proves who the mirror is.
 */
public record FetchToken(String token, long expiresInSeconds) {
    @Override
    public String toString() {
        return "FetchToken[expires in " + expiresInSeconds + " s]";
    }
}
