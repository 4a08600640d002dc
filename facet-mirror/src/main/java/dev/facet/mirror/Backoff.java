package dev.facet.mirror;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential back-off with full jitter, so mirrors that lost their upstream together do not return together. */
public final class Backoff {
    private final Duration first;
    private final Duration max;
    private int failures;

    public Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
    }

    public Duration next() {
        long ceiling = Math.min(max.toMillis(), first.toMillis() << Math.min(failures, 20));
        failures++;
        return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
    }

    public void reset() {
        failures = 0;
    }
}
