package dev.facet.mirror;

import dev.facet.core.identity.KeyFingerprint;
import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.RepositoryStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The moving parts of a mirror and their order: register; once installed, sync and follow the
 * upstream, and send heartbeats. The parts are made by the wiring of its role (a lone mirror or a
 * farm node); the node only starts and stops them, and makes the heartbeat loop, which answers to it.
 */
public final class MirrorNode {
    private static final Logger log = LoggerFactory.getLogger(MirrorNode.class);
    private static final Duration PURGE_INTERVAL = Duration.ofSeconds(30);

    /** What a mirror node needs from its settings. */
    public record Settings(String version, Duration keptRetention) {
    }

    private final Settings settings;
    private final UpstreamSession upstream;
    private final UpstreamGuard guard;
    private final SyncEngine sync;
    private final UpstreamFollower follower;
    private final MirrorStatus status;
    private final DelegatedGitAuthorizer authorizer;
    private final PushForwarder pushForwarder;
    private final MirrorStore store;
    private final RepositoryStore repositories;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Heartbeats heartbeats;
    private final UpstreamRegistration registration;
    private final FarmMembership membership;
    private final ReadGate readGate;
    private final Readiness readiness;
    private MirrorIdentity self;
    private boolean started;
    private boolean following;

    /**
     * Runs its loops on {@code scheduler}, and shuts it down when it stops. {@code readGate} stands before every
     * Git read, {@code readiness} answers {@code /status}: a lone node's serve what it holds and report its own
     * sync state; a farm node's hold it to the farm's published state.
     */
    public MirrorNode(Settings settings, UpstreamSession upstream, UpstreamGuard guard, UpstreamRegistration registration,
                      SyncEngine sync, UpstreamFollower follower, MirrorStatus status, DelegatedGitAuthorizer authorizer,
                      PushForwarder pushForwarder, FarmMembership membership, MirrorStore store,
                      RepositoryStore repositories, Clock clock, ScheduledExecutorService scheduler, ReadGate readGate,
                      Readiness readiness) {
        this.registration = registration;
        this.membership = membership;
        this.readGate = readGate;
        this.readiness = readiness;
        this.settings = settings;
        this.upstream = upstream;
        this.guard = guard;
        this.sync = sync;
        this.follower = follower;
        this.status = status;
        this.authorizer = authorizer;
        this.pushForwarder = pushForwarder;
        this.store = store;
        this.repositories = repositories;
        this.clock = clock;
        this.scheduler = scheduler;
        this.heartbeats = new Heartbeats(upstream, status, scheduler, settings.version(), this::installed);
    }

    /** Starts registering (or resumes an installed mirror) as {@code self}, whose base URL is known once it serves. */
    public synchronized void start(MirrorIdentity self) {
        this.self = self;
        long purgeEvery = Math.min(PURGE_INTERVAL.toMillis(), settings.keptRetention().toMillis());
        scheduler.scheduleWithFixedDelay(this::purgeKept, purgeEvery, purgeEvery, TimeUnit.MILLISECONDS);
        started = true;
        registration.start(self, this::installed);
        // Beats only once the mirror was authorized; from the start, so that a mirror started while
        // removed or reconnecting still learns of a Restore.
        heartbeats.start();
    }

    /** How this mirror introduces itself to the upstream, once it has started. */
    public synchronized Optional<MirrorIdentity> identity() {
        return Optional.ofNullable(self);
    }

    private synchronized void installed() {
        if (following) {
            resume();
            return;
        }
        following = true;
        sync.start();
        heartbeats.start();
        follower.start();
    }

    /** After a restore or a new acceptance: fetch what changed meanwhile, now rather than at the next interval. */
    private void resume() {
        scheduler.execute(() -> {
            follower.resume();
            sync.start();
        });
    }

    /**
     * Asks the upstream to authorize this mirror again; see {@link UpstreamRegistration#reconnect}. The
     * caller has checked that {@code actor} is an administrator of the upstream, or is this machine.
     */
    public synchronized void reconnect(String actor) {
        registration.reconnect(actor);
    }

    /** Removes what was kept aside (refs and repositories deleted or rewound upstream) once its window has passed. */
    private void purgeKept() {
        try {
            int purged = repositories.purgeKept(clock.instant().minus(settings.keptRetention()));
            if (purged > 0) {
                log.info("purged {} kept refs or repositories older than {}", purged, settings.keptRetention());
            }
        } catch (RuntimeException e) {
            log.warn("purging kept refs and repositories failed", e);
        }
    }

    public synchronized void stop() {
        if (started) {
            registration.stop();
        }
        follower.stop();
        heartbeats.stop();
        scheduler.shutdownNow();
        sync.stop();
    }

    public UpstreamGuard guard() {
        return guard;
    }

    /**
     * Accepts the upstream after an alert, by {@link UpstreamAcceptance}'s rule: the pin is kept
     * while the upstream presents the pinned identity, and changes only to a key with the
     * fingerprint an administrator typed in. The alerts are resolved, the event position forgotten
     * (the next reconciliation takes the upstream's), and reconciliation runs, deletions included.
     *
     * @throws UpstreamNotAccepted when the upstream presents another identity and no matching fingerprint was typed
     */
    public void acceptUpstream(String actor, Optional<KeyFingerprint> typed) {
        guard.accept(UpstreamAcceptance.accept(upstream.link(), typed, upstream.client()::identity), actor);
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

    /** What the upstream presented at the last identity check, shown beside the pin while they differ. */
    public Optional<UpstreamClient.UpstreamIdentity> lastPresentedUpstream() {
        return follower.lastPresented();
    }

    public MirrorStatus status() {
        return status;
    }

    public ReadGate readGate() {
        return readGate;
    }

    public Readiness readiness() {
        return readiness;
    }

    public DelegatedGitAuthorizer authorizer() {
        return authorizer;
    }

    public PushForwarder pushForwarder() {
        return pushForwarder;
    }

    /** Forwards pushes over SSH to the primary, with the client's login proof, and waits to serve what it took. */
    public SshPushForwarder sshPushForwarder() {
        return new SshPushForwarder(upstream, store, pushForwarder, status.offload());
    }

    public Heartbeats heartbeats() {
        return heartbeats;
    }

    /** The nodes serving as this mirror, once it has started: itself alone, or its farm's members. */
    public java.util.List<FarmMembership.Member> farmNodes() {
        return identity().map(membership::members).orElse(java.util.List.of());
    }
}
