package dev.facet.web;

import dev.facet.core.tls.ServerCertificate;
import java.util.Objects;
import java.util.Optional;

/**
 * How an instance listens.
 *
 * @param host            the address to bind, or null for every interface
 * @param port            0 picks a free port
 * @param baseUrl         the URL users reach this instance at, or null to use {@code http(s)://localhost:<port>}
 * @param maxRequestBytes the largest REST request body accepted
 * @param tls             the certificate to serve HTTPS with; empty serves plain HTTP
 * @param limits          what one client may hold of the server
 */
public record WebSettings(String host, int port, String baseUrl, long maxRequestBytes, Optional<ServerCertificate> tls,
                          HttpLimits limits) {
    public static final long DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

    public WebSettings {
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(limits, "limits");
    }

    /** Whether users reach this instance over TLS, so that its cookies are marked Secure. */
    boolean isHttps() {
        return baseUrl != null ? baseUrl.regionMatches(true, 0, "https://", 0, 8) : tls.isPresent();
    }
}
