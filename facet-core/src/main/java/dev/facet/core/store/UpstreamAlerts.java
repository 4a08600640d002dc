package dev.facet.core.store;

import dev.facet.core.mirror.UpstreamAlert;
import java.time.Instant;
import java.util.List;

/** A mirror's alerts about its upstream. */
public interface UpstreamAlerts {
    /** Raises an alert unless one of the same kind is open; returns whether it was new. */
    boolean raise(UpstreamAlert.Kind kind, Instant at, String details);

    List<UpstreamAlert> open();

    /** Resolves every open alert; returns how many there were. */
    int resolveAll(Instant at, String by);
}
