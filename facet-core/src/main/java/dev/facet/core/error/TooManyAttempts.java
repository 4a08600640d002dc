package dev.facet.core.error;

import java.time.Duration;

/** Too many wrong credentials came from this client or for this account lately; the client waits, then tries again. */
public class TooManyAttempts extends TooManyRequests {
    private static final long serialVersionUID = 1L;

    public TooManyAttempts(Duration retryAfter) {
        super("Too many wrong passwords or tokens; try again in " + seconds(retryAfter) + " s.", retryAfter);
    }
}
