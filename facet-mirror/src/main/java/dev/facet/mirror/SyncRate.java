package dev.facet.mirror;

import java.time.Clock;
import java.time.Duration;

/**
 * How many repositories this mirror synced per second lately: the completed syncs of the last
 * {@link #WINDOW}, counted in one-second buckets, so that the progress of a first sync of many
 * repositories can say how long is left. Constant memory whatever the number of repositories.
 */
public final class SyncRate implements SyncObserver {
    static final Duration WINDOW = Duration.ofSeconds(30);
    private static final int BUCKETS = (int) WINDOW.toSeconds();

    private final Clock clock;
    private final long[] counts = new long[BUCKETS];
    private final long[] seconds = new long[BUCKETS];
    private final long startedSecond;

    public SyncRate(Clock clock) {
        this.clock = clock;
        this.startedSecond = secondOf(clock.millis());
    }

    @Override
    public void onSynced(long repositoryId, String servedRefsHash, long millis, long bytesFetched) {
        syncedAt(clock.millis());
    }

    /** Syncs per second over the window, or over the time since this started counting when that is shorter. */
    public double perSecond() {
        return perSecondAt(clock.millis());
    }

    /** Counts a sync that finished at {@code epochMillis}. */
    synchronized void syncedAt(long epochMillis) {
        long second = secondOf(epochMillis);
        int slot = (int) Math.floorMod(second, (long) BUCKETS);
        if (seconds[slot] != second) {
            seconds[slot] = second;
            counts[slot] = 0;
        }
        counts[slot]++;
    }

    /** {@link #perSecond()} as it stands at {@code epochMillis}. */
    synchronized double perSecondAt(long epochMillis) {
        long second = secondOf(epochMillis);
        long total = 0;
        for (int slot = 0; slot < BUCKETS; slot++) {
            // The current second is still filling: the window is the BUCKETS - 1 seconds before it and it.
            if (second - seconds[slot] < BUCKETS) {
                total += counts[slot];
            }
        }
        long span = Math.min(BUCKETS, Math.max(1, second - startedSecond + 1));
        return (double) total / span;
    }

    private static long secondOf(long epochMillis) {
        return Math.floorDiv(epochMillis, 1000L);
    }
}
