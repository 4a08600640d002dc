package dev.facet.farm;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.store.MirrorStore;
import dev.facet.mirror.MirrorStatus;
import dev.facet.mirror.Readiness;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A farm node's readiness, as {@code /status} tells the load balancer: ready once it holds a copy of
 * every carried repository, each at the farm's published state, and no repository of it has
 * lagged past the threshold while its peers hold a newer state. Being behind the upstream is
 * normal in a farm (refs wait at the barrier until every node holds the objects, and a stalled
 * cluster holds them all); being behind the farm is not.
 * Readiness is also what makes the node count for publication, so it is looked at every second
 * and told to the farm when it changes. {@code /status} answers that last look and never asks the
 * cluster itself: a balancer's health check gives a node seconds, and a map operation that hangs
 * (a member that stopped answering but is not dropped yet, partitions migrating on a loaded
 * machine) would otherwise fail every node's check at once. A look that has not completed for
 * {@link #STALLED_AFTER} means the node cannot tell where the farm stands: it is not ready.
 */
public final class FarmReadiness implements Readiness {
    private static final Logger log = LoggerFactory.getLogger(FarmReadiness.class);
    private static final Duration REFRESH = Duration.ofSeconds(1);
    /** How old the last look may be before the node stops answering ready: ten missed looks. */
    static final Duration STALLED_AFTER = Duration.ofSeconds(10);
    static final String STALLED = "STALLED";

    private final FarmCluster cluster;
    private final PublishedRefs published;
    private final Supplier<MirrorStatus.Progress> progress;
    private final BooleanSupplier holdsEveryRepository;
    private final Supplier<List<Long>> carried;
    private final Duration lagThreshold;
    private final ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "facet-farm-readiness");
        thread.setDaemon(true);
        return thread;
    });
    private Boolean toldReady;
    /** The last judgement and when it was made ({@link System#nanoTime()}); null before the first. */
    private volatile Judged lastJudged;

    private record Judged(Report report, long atNanos) {
    }

    /** Judges this node by its {@code status}, the repositories in {@code store}, and the farm's published refs. */
    public FarmReadiness(FarmCluster cluster, PublishedRefs published, MirrorStatus status, MirrorStore store,
                         Duration lagThreshold) {
        this(cluster, published, status::progress, status::holdsEveryRepository,
                () -> store.inTransaction(tx -> tx.repositories().all()).stream().map(MirroredRepository::id).toList(),
                lagThreshold);
    }

    FarmReadiness(FarmCluster cluster, PublishedRefs published, Supplier<MirrorStatus.Progress> progress,
                  BooleanSupplier holdsEveryRepository, Supplier<List<Long>> carried, Duration lagThreshold) {
        this.cluster = cluster;
        this.published = published;
        this.progress = progress;
        this.holdsEveryRepository = holdsEveryRepository;
        this.carried = carried;
        this.lagThreshold = lagThreshold;
    }

    /** Looks at readiness every second and tells the farm when it changes; until ready, the node does not count. */
    public void start() {
        refresher.scheduleWithFixedDelay(this::refresh, 0, REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void stop() {
        refresher.shutdownNow();
        try {
            refresher.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void refresh() {
        try {
            judge();
        } catch (RuntimeException e) {
            log.warn("farm: judging this node's readiness failed", e);
        }
    }

    /**
     * The last judgement, answered without asking the cluster anything; see the class comment. What the node
     * knows of itself alone is answered at once: a node just removed, or not yet holding every repository, is
     * not ready now, whatever the last look at the farm said.
     */
    @Override
    public Report report() {
        Judged judged = lastJudged;
        int members = cluster.liveNodeIds().size();
        if (!holdsEveryRepository.getAsBoolean()) {
            return new Report(progress.get().state(), false, members);
        }
        if (judged == null) {
            return new Report("STARTING", false, members);
        }
        if (System.nanoTime() - judged.atNanos() > STALLED_AFTER.toNanos()) {
            return new Report(STALLED, false, members);
        }
        return judged.report();
    }

    /** Judges the node now, which may wait on the cluster, and tells the farm when its readiness changes. */
    Report judge() {
        int members = cluster.liveNodeIds().size();
        MirrorStatus.Progress now = progress.get();
        if (!holdsEveryRepository.getAsBoolean()) {
            return told(new Report(now.state(), false, members));
        }
        // A repository behind the farm whose objects are here is brought forward now: that is cheap and correct.
        boolean atFarmState = carried.get().stream()
                .allMatch(id -> published.atPublishedState(id) || published.catchUp(id));
        if (!atFarmState) {
            return told(new Report("SYNCHRONIZING", false, members));
        }
        // Behind the upstream past the threshold counts only where peers hold what this node lacks: when the whole
        // farm waits (the barrier, a stalled cluster), every node is at the published state, and draining them all
        // would leave the balancer nothing to route to.
        boolean leftBehind = now.worstLagMillis() > lagThreshold.toMillis() && now.worstLags().stream()
                .filter(lag -> lag.lagMillis() > lagThreshold.toMillis())
                .anyMatch(lag -> published.leftBehindByPeers(lag.repositoryId(), lagThreshold));
        return told(leftBehind ? new Report("LAGGING", false, members)
                : new Report(MirrorStatus.SYNCHRONIZED, true, members));
    }

    private synchronized Report told(Report report) {
        if (toldReady == null || toldReady != report.ready()) {
            published.markReady(report.ready());
            toldReady = report.ready();
            log.info("farm node {}: {} ({})", cluster.nodeId(), report.ready() ? "ready" : "not ready", report.state());
        }
        lastJudged = new Judged(report, System.nanoTime());
        return report;
    }
}
