package dev.facet.mirror;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node that follows the upstream with its own signed requests: a first reconciliation (retried
 * with back-off until it succeeds, since it sets the position the events start from), then the
 * event stream ({@link UpstreamEvents}: its own long-poll on a lone node, the coordinator's in a
 * farm) and a reconciliation every interval, so a change that was missed is repaired within one.
 */
public final class DirectUpstreamFollower implements UpstreamFollower {
    private static final Logger log = LoggerFactory.getLogger(DirectUpstreamFollower.class);

    private final Reconciler reconciler;
    private final UpstreamEvents events;
    private final ScheduledExecutorService scheduler;
    private final Duration reconcileInterval;
    private final String upstreamUrl;
    private final Backoff firstReconciliationBackoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private ScheduledFuture<?> started;

    /** Runs its reconciliations on {@code scheduler}, which its owner shuts down. */
    public DirectUpstreamFollower(Reconciler reconciler, UpstreamEvents events, ScheduledExecutorService scheduler,
                                  Duration reconcileInterval, String upstreamUrl) {
        this.reconciler = reconciler;
        this.events = events;
        this.scheduler = scheduler;
        this.reconcileInterval = reconcileInterval;
        this.upstreamUrl = upstreamUrl;
    }

    @Override
    public synchronized void start() {
        if (started == null) {
            started = scheduler.schedule(this::firstReconciliation, 0, TimeUnit.MILLISECONDS);
        }
    }

    /** Reconciles now, on the caller's thread. */
    @Override
    public void resume() {
        reconcileQuietly();
    }

    @Override
    public void stop() {
        events.stop();
    }

    private void firstReconciliation() {
        try {
            reconciler.reconcile();
        } catch (RuntimeException e) {
            Duration wait = firstReconciliationBackoff.next();
            log.warn("first reconciliation with {} failed ({}); retrying in {} ms", upstreamUrl, e.getMessage(),
                    wait.toMillis());
            scheduler.schedule(this::firstReconciliation, wait.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        events.start();
        scheduler.scheduleWithFixedDelay(this::reconcileQuietly, reconcileInterval.toMillis(),
                reconcileInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void reconcileQuietly() {
        try {
            reconciler.reconcile();
        } catch (RuntimeException e) {
            log.warn("reconciliation with {} failed: {}", upstreamUrl, e.getMessage());
        }
    }

    @Override
    public Optional<UpstreamClient.UpstreamIdentity> lastPresented() {
        return reconciler.lastPresented();
    }
}
