package dev.facet.primary;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each mirror's sync lag over the last hour, as its heartbeats reported it: the worst lag per
 * minute. Kept in memory: the mirrors report every few seconds, so a restarted primary has the
 * recent past again within minutes, and an hour of minutes per mirror is all there is to keep.
 */
public final class LagHistory {
    public static final Duration WINDOW = Duration.ofHours(1);

    private final Clock clock;
    private final Map<String, NavigableMap<Instant, Long>> byMirror = new ConcurrentHashMap<>();

    /** The worst lag a mirror reported within one minute, starting at {@code minute}. */
    public record Sample(Instant minute, long worstLagMillis) {
    }

    public LagHistory(Clock clock) {
        this.clock = clock;
    }

    /** Notes a lag a mirror (any of its nodes) reported now. */
    public void record(String mirrorId, long worstLagMillis) {
        Instant now = clock.instant();
        Instant minute = now.truncatedTo(ChronoUnit.MINUTES);
        NavigableMap<Instant, Long> samples = byMirror.computeIfAbsent(mirrorId, id -> new TreeMap<>());
        synchronized (samples) {
            samples.merge(minute, Math.max(0, worstLagMillis), Math::max);
            samples.headMap(now.minus(WINDOW), false).clear();
        }
    }

    /** The minutes of the last hour in which the mirror reported, oldest first. */
    public List<Sample> lastHour(String mirrorId) {
        NavigableMap<Instant, Long> samples = byMirror.get(mirrorId);
        if (samples == null) {
            return List.of();
        }
        Instant since = clock.instant().minus(WINDOW);
        List<Sample> recent = new ArrayList<>();
        synchronized (samples) {
            samples.tailMap(since, true).forEach((minute, lag) -> recent.add(new Sample(minute, lag)));
        }
        return recent;
    }

    /** Forgets a mirror whose registration ended. */
    public void forget(String mirrorId) {
        byMirror.remove(mirrorId);
    }
}
