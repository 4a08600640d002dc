package dev.facet.cli;

import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.ClonePackCache;
import dev.facet.git.LocalDiskRepositoryStore;
import dev.facet.git.MirrorFetcher;
import dev.facet.git.RepositoryStore;
import dev.facet.mirror.DelegatedGitAuthorizer;
import dev.facet.mirror.DirectUpstreamFollower;
import dev.facet.mirror.EventFollower;
import dev.facet.mirror.LocalCredentialVerdicts;
import dev.facet.mirror.MirrorDoctor;
import dev.facet.mirror.MirrorIdentity;
import dev.facet.mirror.MirrorNode;
import dev.facet.mirror.MirrorStatus;
import dev.facet.mirror.PushForwarder;
import dev.facet.mirror.Reconciler;
import dev.facet.mirror.RefUpdateBarrier;
import dev.facet.mirror.SyncEngine;
import dev.facet.mirror.UpstreamClient;
import dev.facet.mirror.UpstreamFetchSource;
import dev.facet.mirror.UpstreamGuard;
import dev.facet.mirror.UpstreamLifecycle;
import dev.facet.mirror.UpstreamSession;
import dev.facet.store.JdbcMirrorStore;
import dev.facet.web.FacetMetrics;
import dev.facet.web.MirrorMetrics;
import dev.facet.web.MirrorWebServer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running mirror node, wired by hand from its settings. */
public final class MirrorInstance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MirrorInstance.class);
    static final String VERSION = "0.1.0";
    private static final Duration REQUEST_TOKEN_VALIDITY = Duration.ofSeconds(30);

    private final MirrorStore store;
    private final MirrorNode node;
    private final MirrorWebServer web;
    private final String instanceId;
    private final Optional<InstanceControl> control;

    private MirrorInstance(MirrorStore store, MirrorNode node, MirrorWebServer web, String instanceId,
                           Optional<InstanceControl> control) {
        this.control = control;
        this.store = store;
        this.node = node;
        this.web = web;
        this.instanceId = instanceId;
    }

    public static MirrorInstance start(MirrorSettings settings) {
        Path home = InstanceHome.secure(settings.home());
        Path repositoriesDir = InstanceHome.repositories(home);
        InstanceIdentity identity = InstanceHome.identity(home);
        InstanceHome.markRole(home, InstanceHome.Role.MIRROR);
        MirrorStore store = JdbcMirrorStore.open(settings.database());
        Optional<InstanceControl> control = Optional.empty();
        try {
            Clock clock = Clock.systemUTC();
            SecureRandom random = new SecureRandom();
            RequestTokens tokens = new RequestTokens(clock, random, new ReplayGuard(clock, ReplayGuard.DEFAULT_CAPACITY));
            UpstreamClient client = new UpstreamClient(settings.upstreamUrl(),
                    (audience, request) -> tokens.sign(identity, audience, REQUEST_TOKEN_VALIDITY, request),
                    settings.upstreamTrust());
            LocalDiskRepositoryStore repositories = new LocalDiskRepositoryStore(repositoriesDir);
            control = InstanceControl.open(home, Map.of(
                    "backup", HomeBackup.controlHandler(home, settings.database()),
                    "doctor", DoctorCommand.controlHandler(() -> new MirrorDoctor(store, repositories, client).examine())));
            FacetMetrics metrics = new FacetMetrics(() -> store.inTransaction(tx -> (long) tx.repositories().all().size()));
            MirrorMetrics mirrorMetrics = new MirrorMetrics(metrics);
            MirrorNode node = assemble(settings, client, store, repositories, clock, random, mirrorMetrics);
            client.checkAnswers(tokens, identity.id(), node::pinnedUpstream, node::answerRefused);
            MirrorWebServer web = new MirrorWebServer(settings.web(), node, repositories,
                    new ClonePackCache(repositories, metrics, settings.git().cloneCache()), settings.git().maxPushBytes(), metrics,
                    mirrorMetrics);
            web.start();
            node.start(new MirrorIdentity(identity.id(), settings.name(), web.baseUrl(), identity.publicKeyJwk(),
                    MirrorType.SINGLE));
            log.info("mirror {} serving {} from {}, upstream {}", identity.id(), web.baseUrl(), home,
                    settings.upstreamUrl());
            return new MirrorInstance(store, node, web, identity.id(), control);
        } catch (RuntimeException e) {
            control.ifPresent(InstanceControl::close);
            store.close();
            throw e;
        }
    }

    /**
     * The parts of a lone mirror node: it follows the upstream itself, fetches from it, moves refs
     * as soon as it holds their objects, and keeps its state and its users' answers to itself.
     */
    private static MirrorNode assemble(MirrorSettings settings, UpstreamClient client, MirrorStore store,
                                       RepositoryStore repositories, Clock clock, SecureRandom random,
                                       MirrorMetrics metrics) {
        AtomicInteger threads = new AtomicInteger();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread thread = new Thread(r, "facet-mirror-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        UpstreamLifecycle lifecycle = new UpstreamLifecycle(store, clock, Optional.of(client.upstreamUrl()));
        UpstreamSession upstream = new UpstreamSession(client, lifecycle, clock);
        UpstreamGuard guard = new UpstreamGuard(store, clock);
        SyncEngine sync = new SyncEngine(store, repositories, lifecycle,
                new UpstreamFetchSource(upstream, new MirrorFetcher(client.trust())), RefUpdateBarrier.NONE, guard, clock,
                settings.syncParallelism(), metrics);
        Reconciler reconciler = new Reconciler(upstream, store, sync, clock, guard);
        DelegatedGitAuthorizer authorizer = new DelegatedGitAuthorizer(upstream, store,
                new LocalCredentialVerdicts(random), clock, metrics,
                new DelegatedGitAuthorizer.Policy(settings.authCache(), settings.offlineAccess()));
        EventFollower events = new EventFollower(upstream, sync, reconciler, store, authorizer::invalidate, guard);
        return new MirrorNode(new MirrorNode.Settings(VERSION, settings.keptRetention()), upstream, guard, sync,
                new DirectUpstreamFollower(reconciler, events, scheduler, settings.reconcileInterval(),
                        client.upstreamUrl()),
                new MirrorStatus(upstream, store, reconciler, clock), authorizer,
                new PushForwarder(upstream, store, sync), store, repositories, clock, scheduler);
    }

    public String baseUrl() {
        return web.baseUrl();
    }

    public String instanceId() {
        return instanceId;
    }

    public MirrorNode node() {
        return node;
    }

    public MirrorStore store() {
        return store;
    }

    @Override
    public void close() {
        try {
            control.ifPresent(InstanceControl::close);
            node.stop();
            web.stop();
        } finally {
            store.close();
        }
    }
}
