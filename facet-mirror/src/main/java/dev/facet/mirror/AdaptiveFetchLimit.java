package dev.facet.mirror;

/**
 * How many fetches a mirror runs at once, between a floor and a ceiling, following what its fetches take. A fetch
 * mostly waits on the upstream: while fetches take about as long as the quickest recent ones, the upstream and the
 * network have room and the limit grows; when they take longer, the extra fetches only queue on the upstream (or
 * on this machine's cores) and the limit shrinks in proportion. A far upstream (long round trips, idle CPU) thus
 * gets many fetches at once, a busy one on the same machine few.
 *
 * <p>The quickest recent fetch time is a minimum that drifts up slowly, so that a lasting change of the upstream
 * (a slower network, bigger repositories) becomes the new normal instead of shrinking the limit for good. The price:
 * under a saturation that lasts thousands of fetches the limit creeps up again, to the ceiling at worst, which costs
 * waiting threads, not throughput. Fetch times alone never take the limit below 4 (where half the fetches' speed
 * and the room for queueing balance), so one slow repository among quick ones cannot starve the rest.
 */
final class AdaptiveFetchLimit {
    /** How much each fetch time counts in the smoothed recent fetch time, and each new target in the limit. */
    private static final double RECENT_WEIGHT = 0.1;
    /** How fast the quickest-fetch baseline forgets, per fetch: it may double in about 700 fetches. */
    private static final double BASELINE_DRIFT = 1.001;

    private final int floor;
    private final int ceiling;
    private double limit;
    private double baselineMillis = Double.NaN;
    private double recentMillis = Double.NaN;

    /**
     * @param start the limit before any fetch was timed; held within floor and ceiling
     */
    AdaptiveFetchLimit(int floor, int start, int ceiling) {
        if (floor < 1 || ceiling < floor) {
            throw new IllegalArgumentException("need 1 <= floor <= ceiling, got " + floor + " and " + ceiling);
        }
        this.floor = floor;
        this.ceiling = ceiling;
        this.limit = clamp(start);
    }

    /** A starting point for a machine: two fetches per core, since a fetch mostly waits. */
    static AdaptiveFetchLimit forMachine(int ceiling) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new AdaptiveFetchLimit(1, Math.max(4, 2 * cores), ceiling);
    }

    /** How many fetches may run now. */
    synchronized int current() {
        return (int) limit;
    }

    /** Takes one finished fetch's time into account. */
    synchronized void fetched(long millis) {
        double sample = Math.max(1, millis);
        recentMillis = Double.isNaN(recentMillis) ? sample : recentMillis + RECENT_WEIGHT * (sample - recentMillis);
        baselineMillis = Double.isNaN(baselineMillis) ? sample : Math.min(baselineMillis * BASELINE_DRIFT, sample);
        // Fetches as quick as the baseline: gradient 1; twice as slow: 0.5 (never less). The square root leaves
        // room for a few fetches to queue, so the limit grows while fetches stay quick; it settles where they
        // take 1/(1 - 1/sqrt(limit)) times the baseline (16 at once: a third longer). The target is followed
        // smoothly, so one slow fetch moves the limit little.
        double gradient = Math.max(0.5, Math.min(1.0, baselineMillis / recentMillis));
        double target = limit * gradient + Math.sqrt(limit);
        limit = clamp(limit + RECENT_WEIGHT * (target - limit));
    }

    private double clamp(double value) {
        return Math.max(floor, Math.min(ceiling, value));
    }
}
