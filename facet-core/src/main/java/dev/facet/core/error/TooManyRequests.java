package dev.facet.core.error;

import java.time.Duration;

/** A caller asked too often; it may ask again after {@link #retryAfter()}. */
public class TooManyRequests extends FacetException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public TooManyRequests(String message, Duration retryAfter) {
        super(message, null);
        this.retryAfter = retryAfter;
    }

    /** How long the caller should wait before it asks again, at least one second. */
    public Duration retryAfter() {
        return retryAfter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retryAfter;
    }

    /** {@link #retryAfter()} in whole seconds, rounded up, as a {@code Retry-After} header says it. */
    public long retryAfterSeconds() {
        return seconds(retryAfter());
    }

    static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
