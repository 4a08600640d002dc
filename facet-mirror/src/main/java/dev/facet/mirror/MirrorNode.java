package dev.facet.mirror;

import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.RepositoryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The moving parts of a mirror and their order: register; once installed, reconcile with the
 * upstream, then follow its events, sync, reconcile every interval and send heartbeats.
 */
public final class MirrorNode {
    private static final Logger log = LoggerFactory.getLogger(MirrorNode.class);
    private static final Duration PURGE_INTERVAL = Duration.ofSeconds(30);

    private final UpstreamSession upstream;
    private final SyncEngine sync;
    private final Reconciler reconciler;
    private final EventFollower events;
    private final Heartbeats heartbeats;
    private final MirrorStatus status;
    private final DelegatedGitAuthorizer authorizer;
    private final PushForwarder pushForwarder;
    private Registration registration;
    private MirrorIdentity self;
    private final ScheduledExecutorService scheduler;
    private final Duration reconcileInterval;
    private final MirrorStore store;
    private final UpstreamGuard guard;
    private final Backoff firstReconciliationBackoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private ScheduledFuture<?> reconciling;

    /** What a mirror node needs from its wiring. */
    public record Settings(Duration reconcileInterval, int syncParallelism, String version, Duration keptRetention,
                           DelegatedGitAuthorizer.Policy authPolicy) {
    }

    public MirrorNode(Settings settings, UpstreamClient client, MirrorStore store, RepositoryStore repositories,
                      Clock clock, java.security.SecureRandom random, SyncObserver syncObserver,
                      DelegatedGitAuthorizer.AuthObserver authObserver) {
        AtomicInteger threads = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread thread = new Thread(r, "facet-mirror-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.reconcileInterval = settings.reconcileInterval();
        long purgeEvery = Math.min(PURGE_INTERVAL.toMillis(), settings.keptRetention().toMillis());
        scheduler.scheduleWithFixedDelay(() -> purgeKept(repositories, clock, settings.keptRetention()), purgeEvery,
                purgeEvery, TimeUnit.MILLISECONDS);
        this.store = store;
        UpstreamLifecycle lifecycle = new UpstreamLifecycle(store, clock, Optional.of(client.upstreamUrl()));
        this.upstream = new UpstreamSession(client, lifecycle, clock);
        this.guard = new UpstreamGuard(store, lifecycle, clock);
        this.sync = new SyncEngine(store, repositories, upstream, clock, settings.syncParallelism(), syncObserver, guard);
        this.reconciler = new Reconciler(upstream, store, sync, clock, guard);
        this.authorizer = new DelegatedGitAuthorizer(upstream, store, clock, random, authObserver,
                settings.authPolicy());
        this.events = new EventFollower(upstream, sync, reconciler, store, authorizer::invalidate, guard);
        this.status = new MirrorStatus(upstream, store, reconciler, clock);
        this.heartbeats = new Heartbeats(upstream, status, scheduler, settings.version(), this::installed);
        this.pushForwarder = new PushForwarder(upstream, store, sync);
    }

    /** Starts registering (or resumes an installed mirror) as {@code self}, whose base URL is known once it serves. */
    public synchronized void start(MirrorIdentity self) {
        this.self = self;
        registration = new Registration(upstream, self, scheduler, this::installed);
        registration.start();
        // Beats only once the mirror was authorized; from the start, so that a mirror started while
        // removed or reconnecting still learns of a Restore.
        heartbeats.start();
    }

    /** How this mirror introduces itself to the upstream, once it has started. */
    public synchronized Optional<MirrorIdentity> identity() {
        return Optional.ofNullable(self);
    }

    private synchronized void installed() {
        if (reconciling != null) {
            resume();
            return;
        }
        sync.start();
        heartbeats.start();
        reconciling = scheduler.schedule(this::firstReconciliation, 0, TimeUnit.MILLISECONDS);
    }

    /** The first reconciliation must succeed before events are followed: it sets the position they start from. */
    private void firstReconciliation() {
        try {
            reconciler.reconcile();
        } catch (RuntimeException e) {
            Duration wait = firstReconciliationBackoff.next();
            log.warn("first reconciliation with {} failed ({}); retrying in {} ms", upstream.client().upstreamUrl(),
                    e.getMessage(), wait.toMillis());
            scheduler.schedule(this::firstReconciliation, wait.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        events.start();
        scheduler.scheduleWithFixedDelay(this::reconcileQuietly, reconcileInterval.toMillis(),
                reconcileInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** After a restore or a new acceptance: fetch what changed meanwhile, now rather than at the next interval. */
    private void resume() {
        scheduler.execute(() -> {
            reconcileQuietly();
            sync.start();
        });
    }

    /**
     * Asks the upstream to authorize this mirror again; see {@link Registration#reconnect}. The
     * caller has checked that {@code actor} is an administrator of the upstream, or is this machine.
     */
    public synchronized void reconnect(String actor) {
        registration.reconnect(actor);
    }

    /** Removes what was kept aside (refs and repositories deleted or rewound upstream) once its window has passed. */
    private static void purgeKept(RepositoryStore repositories, Clock clock, Duration retention) {
        try {
            int purged = repositories.purgeKept(clock.instant().minus(retention));
            if (purged > 0) {
                log.info("purged {} kept refs or repositories older than {}", purged, retention);
            }
        } catch (RuntimeException e) {
            log.warn("purging kept refs and repositories failed", e);
        }
    }

    private void reconcileQuietly() {
        try {
            reconciler.reconcile();
        } catch (RuntimeException e) {
            log.warn("reconciliation with {} failed: {}", upstream.client().upstreamUrl(), e.getMessage());
        }
    }

    public synchronized void stop() {
        if (registration != null) {
            registration.stop();
        }
        events.stop();
        heartbeats.stop();
        scheduler.shutdownNow();
        sync.stop();
    }

    public UpstreamGuard guard() {
        return guard;
    }

    /**
     * Accepts the upstream as it presents itself now: pins its id and key, forgets the event
     * position (the next reconciliation takes the upstream's), resolves the alerts, and
     * reconciles, deletions included.
     */
    public void acceptUpstream(String actor) {
        UpstreamClient.UpstreamIdentity presented = upstream.client().identity();
        guard.accept(current -> new UpstreamLink(current.upstreamUrl(), current.state(), current.requestId(),
                presented.id(), presented.publicKey(), 0, null, 0, null), actor);
        resume();
    }

    /** The mirror's own lifecycle audit trail, newest first. */
    public java.util.List<dev.facet.core.mirror.AuditEntry> audit(int start, int limit) {
        return store.inTransaction(tx -> tx.audit().list(start, limit));
    }

    /** The upstream pinned at authorization, once there is one: signed answers must come from it. */
    public Optional<UpstreamClient.Pin> pinnedUpstream() {
        UpstreamLink link = upstream.link();
        return link.upstreamInstanceId() == null || link.upstreamPublicKey() == null ? Optional.empty()
                : Optional.of(new UpstreamClient.Pin(link.upstreamInstanceId(), link.upstreamPublicKey()));
    }

    /**
     * An answer refused: not signed by the pinned upstream (another server answers at its URL), or
     * signed but changed on the way, or a genuine refusal of a request that was changed on the way.
     */
    public void answerRefused(UpstreamAlert.Kind kind, String details) {
        guard.raise(kind, upstream.link(), details);
    }

    /** How far the upstream's clock is ahead of this machine's (negative: behind), as its last answer showed. */
    public Optional<Duration> upstreamClockSkew() {
        return upstream.client().clockSkew();
    }

    public MirrorStatus status() {
        return status;
    }

    public DelegatedGitAuthorizer authorizer() {
        return authorizer;
    }

    public PushForwarder pushForwarder() {
        return pushForwarder;
    }

    public Reconciler reconciler() {
        return reconciler;
    }

    public Heartbeats heartbeats() {
        return heartbeats;
    }
}
