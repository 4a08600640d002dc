package dev.facet.web;

import java.time.Duration;

/**
 * What one client may hold of a server, so that slow or many connections from one place cannot
 * take every thread: a client that sends its request body slower than the minimum rate, or goes
 * silent for the idle timeout, is cut off; one address holds at most so many connections; and Git
 * requests (the only long ones) never take more than their share of threads, so that
 * {@code /status}, REST and pages keep answering.
 *
 * @param maxConnectionsPerAddress  connections one client address may hold open at once
 * @param minRequestBytesPerSecond  the slowest request body accepted, over the time the server spends waiting for it
 *                                  inside its reads, the first second free ({@link ClientBodyRate}); 0 turns it off
 * @param idleTimeout               how long a connection may stay silent
 * @param maxConcurrentGitRequests  Git requests served at once; more are answered 503 at once
 * @param trustedProxies            load balancers whose {@code X-Forwarded-For} names the client; their own
 *                                  connections are not capped per address (they carry every client's)
 */
public record HttpLimits(int maxConnectionsPerAddress, long minRequestBytesPerSecond, Duration idleTimeout,
                         int maxConcurrentGitRequests, TrustedProxies trustedProxies) {
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 64;
    public static final long DEFAULT_MIN_REQUEST_BYTES_PER_SECOND = 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Of the server's 250 threads, so that at least 150 are left for everything else. */
    public static final int DEFAULT_MAX_CONCURRENT_GIT_REQUESTS = 100;
    private static final long JETTY_BACKSTOP_FRACTION = 16;
    public static final HttpLimits DEFAULTS = new HttpLimits(DEFAULT_MAX_CONNECTIONS_PER_ADDRESS,
            DEFAULT_MIN_REQUEST_BYTES_PER_SECOND, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONCURRENT_GIT_REQUESTS,
            TrustedProxies.NONE);

    /**
     * Jetty's own minimum rate, a backstop behind {@link ClientBodyRate} for body reads that do not pass through it.
     * Jetty averages from the first byte the server read, its own pauses included, so it is set far lower: a
     * sixteenth of the minimum, which a client sending at all does not fall under. 0 (off) when the minimum is.
     */
    long jettyMinRequestBytesPerSecond() {
        return minRequestBytesPerSecond == 0 ? 0 : Math.max(1, minRequestBytesPerSecond / JETTY_BACKSTOP_FRACTION);
    }

    public HttpLimits {
        java.util.Objects.requireNonNull(trustedProxies, "trustedProxies");
        if (maxConnectionsPerAddress < 1 || minRequestBytesPerSecond < 0 || idleTimeout.isNegative()
                || idleTimeout.isZero() || maxConcurrentGitRequests < 1) {
            throw new IllegalArgumentException("HTTP limits must be positive: " + maxConnectionsPerAddress + ", "
                    + minRequestBytesPerSecond + ", " + idleTimeout + ", " + maxConcurrentGitRequests);
        }
    }
}
