package dev.facet.mirror;

import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.mirror.protocol.Heartbeat;
import dev.facet.core.store.MirrorStore;
import dev.facet.core.store.MirroredRepositories;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The mirror's state in its own words, computed from what it holds: the word it reports in its
 * heartbeat, answers on {@code /status}, and shows on its pages.
 */
public final class MirrorStatus {
    /** A repository behind for longer than this makes the mirror LAGGING. */
    public static final Duration LAG_THRESHOLD = Duration.ofSeconds(30);
    /** The state of a mirror that holds every repository it carries at the upstream's state. */
    public static final String SYNCHRONIZED = "SYNCHRONIZED";
    static final int WORST_LAGS = 5;

    private final UpstreamSession upstream;
    private final MirrorStore store;
    private final Reconciler reconciler;
    private final Clock clock;
    private final OffloadCounts offload;

    /**
     * Counts of repositories by sync state, how long the worst one has been behind, and the worst
     * lags by repository. The names are for the primary and its administrators only: anyone else
     * sees {@link #withoutNames()}.
     *
     * @param discovering    whether the mirror has yet to learn from its upstream, once since it started, which
     *                       repositories it carries (until then the counts are those it knew before)
     * @param syncsPerSecond repositories synced per second lately ({@link SyncRate})
     */
    public record Progress(String state, int total, int inSync, int behind, long worstLagMillis,
                           List<Heartbeat.Lag> worstLags, boolean discovering, double syncsPerSecond) {
        /** Counts of a mirror that knows what it carries, with no sync rate. */
        public Progress(String state, int total, int inSync, int behind, long worstLagMillis,
                        List<Heartbeat.Lag> worstLags) {
            this(state, total, inSync, behind, worstLagMillis, worstLags, false, 0);
        }

        /** The same counts, naming no repository: what a caller who is not an administrator may see. */
        public Progress withoutNames() {
            return new Progress(state, total, inSync, behind, worstLagMillis, List.of(), discovering, syncsPerSecond);
        }

        /**
         * How long the repositories behind take at the recent rate: empty when none is behind or none was synced
         * lately (then no estimate is honest).
         */
        public Optional<Duration> timeLeft() {
            if (behind == 0 || syncsPerSecond <= 0) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(Math.round(behind / syncsPerSecond * 1000)));
        }
    }

    private final SyncRate rate;

    public MirrorStatus(UpstreamSession upstream, MirrorStore store, Reconciler reconciler, Clock clock,
                        OffloadCounts offload, SyncRate rate) {
        this.rate = rate;
        this.upstream = upstream;
        this.store = store;
        this.reconciler = reconciler;
        this.clock = clock;
        this.offload = offload;
    }

    /** What this node served by itself and passed on to the primary; Git serving, syncs and pushes count into it. */
    public OffloadCounts offload() {
        return offload;
    }

    public UpstreamLink link() {
        return upstream.link();
    }

    /**
     * Counts and the worst lags, read by the database from the repositories behind only: heartbeats, {@code /status}
     * polled by a balancer and the pages cost the same with ten repositories in sync as with a hundred thousand.
     */
    public Progress progress() {
        UpstreamLink link = upstream.link();
        Instant now = clock.instant();
        MirroredRepositories.Counts counts = store.inTransaction(tx -> tx.repositories().counts());
        List<Heartbeat.Lag> worst = store.inTransaction(tx -> tx.repositories().longestBehind(WORST_LAGS)).stream()
                .map(r -> new Heartbeat.Lag(r.id(), r.projectKey().value(), r.slug().value(),
                        r.behindSince() == null ? 0 : Math.max(0, Duration.between(r.behindSince(), now).toMillis())))
                .toList();
        return new Progress(state(link, counts, worst), counts.total(), counts.inSync(),
                counts.total() - counts.inSync(), worst.isEmpty() ? 0 : worst.get(0).lagMillis(), worst,
                !reconciler.completedOnce(), rate.perSecond());
    }

    /**
     * Whether the mirror is installed, has reconciled once and holds a copy of every repository it
     * carries; how current each copy is, is the lag's business.
     */
    public boolean holdsEveryRepository() {
        return upstream.link().state() == UpstreamState.INSTALLED && reconciler.completedOnce()
                && store.inTransaction(tx -> tx.repositories().counts()).withoutCopy() == 0;
    }

    private String state(UpstreamLink link, MirroredRepositories.Counts counts, List<Heartbeat.Lag> worst) {
        if (link.state() != UpstreamState.INSTALLED) {
            return link.state().name();
        }
        if (!reconciler.completedOnce() || counts.withoutCopy() > 0) {
            return "SYNCHRONIZING";
        }
        if (worst.isEmpty()) {
            return SYNCHRONIZED;
        }
        return worst.get(0).lagMillis() > LAG_THRESHOLD.toMillis() ? "LAGGING" : "SYNCHRONIZING";
    }
}
