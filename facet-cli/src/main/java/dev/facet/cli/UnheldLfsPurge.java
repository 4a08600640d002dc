package dev.facet.cli;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The purge of Git LFS files no repository holds any more, every {@link LfsSettings#PURGE_INTERVAL}, once they
 * have been unheld for {@link LfsSettings#KEPT_UNHELD}: on the primary and on a mirror alike.
 */
final class UnheldLfsPurge {
    private static final Logger log = LoggerFactory.getLogger(UnheldLfsPurge.class);

    private UnheldLfsPurge() {
    }

    /** @param purgeUnheldSince deletes what no repository has held since the instant given; a failure is logged */
    static void schedule(ScheduledExecutorService scheduler, Clock clock, ToIntFunction<Instant> purgeUnheldSince) {
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                purgeUnheldSince.applyAsInt(clock.instant().minus(LfsSettings.KEPT_UNHELD));
            } catch (RuntimeException e) {
                log.warn("purging Git LFS objects no repository holds failed", e);
            }
        }, LfsSettings.PURGE_INTERVAL.toMillis(), LfsSettings.PURGE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }
}
