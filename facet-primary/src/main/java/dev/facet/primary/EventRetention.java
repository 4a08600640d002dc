package dev.facet.primary;

import dev.facet.core.store.Store;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the event outbox from growing for ever: events older than the retention period go. A
 * mirror that was away longer than that finds the events it needs gone and reconciles instead;
 * the retention should outlast the mirror removal grace period, so a restored mirror can follow.
 */
public final class EventRetention {
    private static final Logger log = LoggerFactory.getLogger(EventRetention.class);

    private final Store store;
    private final Clock clock;
    private final Duration retention;

    public EventRetention(Store store, Clock clock, Duration retention) {
        this.store = store;
        this.clock = clock;
        this.retention = retention;
    }

    /** How often purging is worth doing: often enough that nothing is kept much past the period. */
    public Duration interval() {
        Duration hour = Duration.ofHours(1);
        return retention.compareTo(hour) < 0 ? retention : hour;
    }

    /** Removes the events older than the retention period; returns how many went. */
    public int purge() {
        int purged = store.inTransaction(tx -> tx.events().deleteCreatedBefore(clock.instant().minus(retention)));
        if (purged > 0) {
            log.info("purged {} event(s) older than {}", purged, retention);
        }
        return purged;
    }
}
