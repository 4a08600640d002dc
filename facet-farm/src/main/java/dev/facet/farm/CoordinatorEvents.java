package dev.facet.farm;

import dev.facet.core.mirror.UpstreamLink;
import dev.facet.mirror.Reconciler;
import dev.facet.mirror.UpstreamEvents;
import dev.facet.mirror.UpstreamLifecycle;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The farm's one hold on the upstream's event stream: the coordinator (the oldest member) follows
 * it for every node, and when it leaves, the next oldest takes over at once. A node that takes
 * over forgets the event position it holds (it was not following, so it is stale), takes the
 * upstream's head with a reconciliation, and follows from there: what happened before that
 * reconciliation is in the states it read, except who may read what: a permission change the old
 * coordinator read but had not passed on is unknown, so the users' answers kept are forgotten.
 */
public final class CoordinatorEvents implements UpstreamEvents, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");

    private final FarmCluster cluster;
    private final UpstreamEvents events;
    private final Reconciler reconciler;
    private final UpstreamLifecycle lifecycle;
    private final Runnable forgetUsersAnswers;
    private final ExecutorService takeovers = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "facet-farm-takeover");
        thread.setDaemon(true);
        return thread;
    });
    private boolean wanted;
    private boolean holding;
    private boolean listening;

    /** Holds {@code events} while this node coordinates; {@code forgetUsersAnswers} runs on every takeover. */
    public CoordinatorEvents(FarmCluster cluster, UpstreamEvents events, Reconciler reconciler,
                             UpstreamLifecycle lifecycle, Runnable forgetUsersAnswers) {
        this.forgetUsersAnswers = forgetUsersAnswers;
        this.cluster = cluster;
        this.events = events;
        this.reconciler = reconciler;
        this.lifecycle = lifecycle;
    }

    /** Follows the stream now and whenever this node becomes the coordinator. */
    @Override
    public synchronized void start() {
        wanted = true;
        if (!listening) {
            listening = true;
            cluster.onMembershipChange(() -> submit(this::judge));
        }
        submit(this::judge);
    }

    @Override
    public synchronized void stop() {
        wanted = false;
        holding = false;
        events.stop();
    }

    /** Whether this node holds the stream now. */
    public synchronized boolean holding() {
        return holding;
    }

    private void submit(Runnable task) {
        try {
            takeovers.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("no takeover: this node is stopping");
        }
    }

    private void judge() {
        boolean coordinator = cluster.isCoordinator();
        synchronized (this) {
            if (!wanted || coordinator == holding) {
                return;
            }
            if (!coordinator) {
                // Two halves of a split farm merged, and this half's coordinator is no longer the oldest.
                log.info("node {}: no longer the farm's coordinator; the event stream is left to the oldest member",
                        cluster.nodeId());
                holding = false;
                events.stop();
                return;
            }
            holding = true;
        }
        log.info("node {}: coordinator of farm '{}'; following the upstream's event stream for every node",
                cluster.nodeId(), cluster.farmName());
        lifecycle.update(current -> new UpstreamLink(current.upstreamUrl(), current.state(), current.requestId(),
                current.upstreamInstanceId(), current.upstreamPublicKey(), current.pinnedSequence(), current.pinnedHash(),
                0, null));
        forgetUsersAnswers.run();
        try {
            reconciler.reconcile();
        } catch (RuntimeException e) {
            // The stream waits until a reconciliation has taken the head; the next interval's does it.
            log.warn("node {}: reconciliation on taking over failed ({}); following once one succeeds",
                    cluster.nodeId(), e.getMessage());
        }
        synchronized (this) {
            if (holding && wanted) {
                events.start();
            }
        }
    }

    @Override
    public void close() {
        stop();
        takeovers.shutdownNow();
        try {
            takeovers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
