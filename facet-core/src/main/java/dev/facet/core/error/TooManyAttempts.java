package dev.facet.core.error;

import java.time.Duration;

/** Too many wrong credentials came from this client or for this account lately; the client waits, then tries again. */
public class TooManyAttempts extends FacetException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    public TooManyAttempts(Duration retryAfter) {
        super("Too many wrong passwords or tokens; try again in " + seconds(retryAfter) + " s.", null);
        this.retryAfter = retryAfter;
    }

    /** How long the client waits before its next attempt is looked at, in whole seconds (at least one). */
    public long retryAfterSeconds() {
        return seconds(retryAfter);
    }

    private static long seconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }
}
