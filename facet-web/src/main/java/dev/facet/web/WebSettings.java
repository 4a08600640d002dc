package dev.facet.web;

/**
 * How an instance listens.
 *
 * @param host            the address to bind, or null for every interface
 * @param port            0 picks a free port
 * @param baseUrl         the URL users reach this instance at, or null to use {@code http://localhost:<port>}
 * @param maxRequestBytes the largest REST request body accepted
 */
public record WebSettings(String host, int port, String baseUrl, long maxRequestBytes) {
    public static final long DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

    /** Whether users reach this instance over TLS, so that its cookies are marked Secure. */
    boolean isHttps() {
        return baseUrl != null && baseUrl.regionMatches(true, 0, "https://", 0, 8);
    }
}
