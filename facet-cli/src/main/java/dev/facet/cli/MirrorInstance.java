package dev.facet.cli;

import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.AdvertisedRefsCache;
import dev.facet.git.ClonePackCache;
import dev.facet.core.lfs.LfsObjectStore;
import dev.facet.core.lfs.LfsTransferTokens;
import dev.facet.git.LocalDiskLfsObjectStore;
import dev.facet.git.LocalDiskRepositoryStore;
import dev.facet.git.MirrorFetcher;
import dev.facet.git.RepositoryStore;
import dev.facet.farm.ClusterFarmCheck;
import dev.facet.farm.ClusterMembership;
import dev.facet.farm.ClusterPeerReads;
import dev.facet.farm.CoordinatorEvents;
import dev.facet.farm.FarmCluster;
import dev.facet.farm.FarmCredentialVerdicts;
import dev.facet.farm.FarmId;
import dev.facet.farm.FarmRegistration;
import dev.facet.farm.FarmUpstreamChanges;
import dev.facet.farm.FarmVet;
import dev.facet.farm.PeerFetchSource;
import dev.facet.mirror.FetchSource;
import dev.facet.mirror.HeldStateFetchSource;
import dev.facet.mirror.PeerReads;
import dev.facet.mirror.CredentialVerdicts;
import dev.facet.mirror.DirectRegistration;
import dev.facet.mirror.FarmMembership;
import dev.facet.mirror.LocalUpstreamChanges;
import dev.facet.mirror.UpstreamChanges;
import dev.facet.mirror.UpstreamEvents;
import dev.facet.mirror.UpstreamRegistration;
import dev.facet.farm.FarmReadGate;
import dev.facet.farm.FarmSecret;
import dev.facet.farm.FarmReadiness;
import dev.facet.farm.FarmRefUpdateBarrier;
import dev.facet.farm.PublishedRefs;
import dev.facet.mirror.DelegatedGitAuthorizer;
import dev.facet.mirror.FarmCheck;
import dev.facet.mirror.LoneNodeReadiness;
import dev.facet.mirror.ReadGate;
import dev.facet.mirror.Readiness;
import dev.facet.mirror.DirectUpstreamFollower;
import dev.facet.mirror.EventFollower;
import dev.facet.mirror.LocalCredentialVerdicts;
import dev.facet.mirror.MirrorDoctor;
import dev.facet.mirror.MirrorGitSeams;
import dev.facet.git.GitSeams;
import dev.facet.git.SizeLimitedReceivePacks;
import dev.facet.core.lfs.LfsSshCredentials;
import dev.facet.ssh.GitSshServer;
import dev.facet.mirror.LfsPrefetch;
import dev.facet.mirror.MirrorIdentity;
import dev.facet.mirror.MirroredLfsObjects;
import dev.facet.mirror.PrimaryKeptLfsLocks;
import dev.facet.mirror.UpstreamLfs;
import dev.facet.mirror.MirrorNode;
import dev.facet.mirror.MirrorLfsSshAuthentication;
import dev.facet.git.GitOperationObserver;
import dev.facet.mirror.PreAuthorizedReads;
import dev.facet.mirror.SyncObserver;
import dev.facet.mirror.SyncRate;
import dev.facet.mirror.OffloadCounts;
import dev.facet.mirror.MirrorStatus;
import dev.facet.mirror.PushForwarder;
import dev.facet.mirror.Reconciler;
import dev.facet.mirror.RefUpdateBarrier;
import dev.facet.mirror.ProgressLog;
import dev.facet.mirror.ServedStateReports;
import dev.facet.mirror.SyncEngine;
import dev.facet.mirror.UpstreamClient;
import dev.facet.mirror.UpstreamFetchSource;
import dev.facet.mirror.UpstreamGuard;
import dev.facet.mirror.UpstreamLifecycle;
import dev.facet.mirror.UpstreamSession;
import dev.facet.store.JdbcMirrorStore;
import dev.facet.web.FacetMetrics;
import dev.facet.web.LfsApi;
import dev.facet.web.MirrorMetrics;
import dev.facet.web.MirrorWebServer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running mirror node, wired by hand from its settings. */
public final class MirrorInstance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MirrorInstance.class);
    static final String VERSION = "0.1.0";
    private static final Duration REQUEST_TOKEN_VALIDITY = Duration.ofSeconds(30);
    /** How soon a farm node signs with the one transfer-token key left after split halves of its farm merge. */
    private static final Duration FARM_SECRET_REFRESH = Duration.ofSeconds(5);

    private final MirrorStore store;
    private final MirrorNode node;
    private final MirrorWebServer web;
    private final String instanceId;
    private final Optional<InstanceControl> control;
    private final List<AutoCloseable> closeAfterNode;
    private final Optional<GitSshServer> ssh;
    private final Optional<String> sshBaseUrl;

    private MirrorInstance(MirrorStore store, MirrorNode node, MirrorWebServer web, String instanceId,
                           Optional<InstanceControl> control, List<AutoCloseable> closeAfterNode,
                           Optional<GitSshServer> ssh,
                           Optional<String> sshBaseUrl) {
        this.control = control;
        this.ssh = ssh;
        this.sshBaseUrl = sshBaseUrl;
        this.store = store;
        this.node = node;
        this.web = web;
        this.instanceId = instanceId;
        this.closeAfterNode = closeAfterNode;
    }

    /**
     * A mirror node as its role assembles it: the node, how it introduces itself once it serves at
     * its own URL, who may fetch its copies as a peer, and what it closes after the node has stopped
     * (the farm's cluster parts, last the cluster itself; nothing for a lone mirror), and the tokens of its
     * Git LFS transfers, which a farm's nodes sign alike so that a download may reach another node than its batch.
     *
     * @param lfsSshKey the key of the Git LFS credentials git-lfs-authenticate hands out over SSH: a lone mirror's own,
     *                  a farm's shared by its nodes
     */
    private record Assembly(MirrorNode node, Function<String, MirrorIdentity> identity, IntConsumer serving,
                            PeerReads peers, LfsTransferTokens lfsTokens, Supplier<byte[]> lfsSshKey,
                            List<AutoCloseable> closeAfterNode) {
    }

    public static MirrorInstance start(MirrorSettings settings) {
        Path home = InstanceHome.secure(settings.home());
        Path repositoriesDir = InstanceHome.repositories(home);
        InstanceIdentity identity = InstanceHome.identity(home);
        InstanceHome.markRole(home, InstanceHome.Role.MIRROR);
        MirrorStore store = JdbcMirrorStore.open(settings.database());
        Optional<InstanceControl> control = Optional.empty();
        Optional<GitSshServer> ssh = Optional.empty();
        // Known once SSH listens; the doctor's handler is registered before.
        AtomicReference<Optional<Integer>> sshPort = new AtomicReference<>(Optional.empty());
        List<AutoCloseable> closeAfterNode = new ArrayList<>();
        // The control socket opens first (it refuses a second instance on this home), before the farm is joined.
        AtomicReference<FarmCheck> farmCheck = new AtomicReference<>(FarmCheck.NONE);
        try {
            Clock clock = Clock.systemUTC();
            SecureRandom random = new SecureRandom();
            RequestTokens tokens = new RequestTokens(clock, random, new ReplayGuard(clock, ReplayGuard.DEFAULT_CAPACITY));
            UpstreamClient client = new UpstreamClient(settings.upstreamUrl(),
                    (audience, request) -> tokens.sign(identity, audience, REQUEST_TOKEN_VALIDITY, request),
                    settings.upstreamTrust());
            LocalDiskRepositoryStore repositories = new LocalDiskRepositoryStore(repositoriesDir);
            LocalDiskLfsObjectStore lfsStore = new LocalDiskLfsObjectStore(InstanceHome.lfs(home));
            control = InstanceControl.open(home, Map.of(
                    "backup", HomeBackup.controlHandler(home, settings.database()),
                    "doctor", DoctorCommand.controlHandler(() -> DoctorCommand.withSshListener(
                            new MirrorDoctor(store, repositories, lfsStore, client, farmCheck.get()).examine(),
                            settings.web().host(), sshPort.get()))));
            FacetMetrics metrics = new FacetMetrics(() -> store.inTransaction(tx -> (long) tx.repositories().all().size()));
            MirrorMetrics mirrorMetrics = new MirrorMetrics(metrics);
            Optional<FarmCluster> cluster = settings.farm().map(farm -> joinFarm(farm, settings, identity,
                    closeAfterNode));
            Optional<PublishedRefs> published = cluster.map(joined -> publishedRefs(joined, repositories, clock,
                    closeAfterNode));
            published.ifPresent(refs -> farmCheck.set(new ClusterFarmCheck(cluster.get(), refs, store, home)));
            // A farm node takes what its peers already hold from them, over the farm's network.
            UnaryOperator<FetchSource> sources = published.<UnaryOperator<FetchSource>>map(refs -> upstream ->
                    new PeerFetchSource(cluster.get(), refs, tokens, identity, new MirrorFetcher(client.trust()),
                            upstream)).orElse(UnaryOperator.identity());
            Parts parts = parts(settings, client, store, repositories, lfsStore, clock, mirrorMetrics,
                    published.<RefUpdateBarrier>map(FarmRefUpdateBarrier::new).orElse(RefUpdateBarrier.NONE), sources);
            Assembly assembly = cluster.isPresent()
                    ? assembleFarmNode(settings, settings.farm().get(), cluster.get(), published.get(), identity, parts,
                            random, mirrorMetrics, new ClusterPeerReads(cluster.get(), tokens, repositories),
                            closeAfterNode)
                    : assembleAlone(settings, identity, parts, random, mirrorMetrics);
            MirrorNode node = assembly.node();
            client.checkAnswers(tokens, identity.id(), node::pinnedUpstream, node::answerRefused);
            // One clone cache for HTTP and SSH: a clone over either is kept once and served to both.
            ClonePackCache clones = new ClonePackCache(repositories,
                    GitOperationObserver.both(metrics, node.status().offload()), settings.git().cloneCache());
            // Read once per change of a repository's refs, for HTTP and SSH alike.
            AdvertisedRefsCache advertisedRefs = new AdvertisedRefsCache();
            advertisedRefs.start();
            closeAfterNode.add(advertisedRefs::stop);
            metrics.watchRefAdvertisements(advertisedRefs);
            AtomicReference<MirrorWebServer> served = new AtomicReference<>();
            LfsSshCredentials lfsSshCredentials = new LfsSshCredentials(assembly.lfsSshKey(), clock,
                    LfsSshCredentials.DEFAULT_LIFETIME, () -> served.get().baseUrl());
            MirrorWebServer web = new MirrorWebServer(settings.web(), node, repositories, advertisedRefs,
                    clones, settings.git().maxPushBytes(), metrics,
                    mirrorMetrics, assembly.peers(), new PreAuthorizedReads(node, store, tokens),
                    new LfsApi(parts.lfsObjects(), new PrimaryKeptLfsLocks(), assembly.lfsTokens(),
                            settings.lfs().maxObjectBytes(), Optional.of(lfsSshCredentials)), parts.upstreamLfs());
            served.set(web);
            parts.lfsPrefetch().ifPresent(prefetch -> closeAfterNode.add(0, prefetch::stop));
            web.start();
            if (settings.ssh().enabled()) {
                // The same Git over SSH as the primary's; keys and access are the primary's to judge.
                GitSeams git = MirrorGitSeams.overSsh(repositories, advertisedRefs, GitOperationObserver.both(metrics,
                        node.status().offload()), node.readGate(),
                        new SizeLimitedReceivePacks(node.sshPushForwarder(), settings.git().maxPushBytes()));
                ssh = Optional.of(new GitSshServer(settings.web().host(), settings.ssh().port(), home.resolve("keys"),
                        node.authorizer()::requireKnownKey, node.authorizer(), git.repositories(), git.uploadPacks(),
                        git.receivePacks(), new MirrorLfsSshAuthentication(lfsSshCredentials), clones,
                        settings.web().limits().maxConcurrentGitRequests()));
                ssh.get().start();
                sshPort.set(Optional.of(ssh.get().port()));
            }
            assembly.serving().accept(web.port());
            Optional<String> sshBaseUrl = ssh.map(server -> settings.ssh().baseUrl(server.port()));
            sshBaseUrl.ifPresent(node::advertiseSsh);
            node.start(assembly.identity().apply(web.baseUrl()));
            log.info("mirror {} serving {}{} from {}, upstream {}", identity.id(), web.baseUrl(),
                    sshBaseUrl.map(url -> " and " + url).orElse(""), home, settings.upstreamUrl());
            return new MirrorInstance(store, node, web, identity.id(), control, closeAfterNode, ssh, sshBaseUrl);
        } catch (RuntimeException e) {
            ssh.ifPresent(GitSshServer::stop);
            control.ifPresent(InstanceControl::close);
            closeAll(closeAfterNode);
            store.close();
            throw e;
        }
    }

    /**
     * The tokens of a lone mirror's Git LFS transfers, under a key it holds in memory only: a restart costs a
     * client one more batch request.
     */
    private static LfsTransferTokens lfsTransferTokens(SecureRandom random, Clock clock) {
        return new LfsTransferTokens(ProcessKeys.random(random), clock, LfsTransferTokens.DEFAULT_LIFETIME);
    }

    /** What a mirror node is made of whatever its role: its upstream, its sync engine, its reconciler. */
    private record Parts(ScheduledExecutorService scheduler, UpstreamSession upstream, UpstreamGuard guard,
                         SyncEngine sync, Reconciler reconciler, MirrorStore store, RepositoryStore repositories,
                         Clock clock, MirrorStatus status, UpstreamLfs upstreamLfs, MirroredLfsObjects lfsObjects,
                         Optional<LfsPrefetch> lfsPrefetch) {
    }

    /** The Git LFS files of a repository the mirror stops carrying are kept as long as its Git data. */
    private static SyncObserver lfsRelease(MirroredLfsObjects lfsObjects) {
        return new SyncObserver() {
            @Override
            public void onRemoving(long repositoryId) {
                lfsObjects.releasing(repositoryId);
            }
        };
    }

    private static Parts parts(MirrorSettings settings, UpstreamClient client, MirrorStore store,
                               RepositoryStore repositories, LfsObjectStore lfsStore, Clock clock,
                               MirrorMetrics metrics,
                               RefUpdateBarrier barrier, UnaryOperator<FetchSource> sources) {
        AtomicInteger threads = new AtomicInteger();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread thread = new Thread(r, "facet-mirror-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        UpstreamLifecycle lifecycle = new UpstreamLifecycle(store, clock, Optional.of(client.upstreamUrl()));
        UpstreamSession upstream = new UpstreamSession(client, lifecycle, clock);
        UpstreamGuard guard = new UpstreamGuard(store, clock);
        OffloadCounts offload = new OffloadCounts(store);
        UpstreamLfs upstreamLfs = new UpstreamLfs(upstream);
        MirroredLfsObjects lfsObjects = new MirroredLfsObjects(store, lfsStore, upstreamLfs, metrics);
        Optional<LfsPrefetch> prefetch = settings.lfsPrefetch() == LfsPrefetch.Policy.NONE ? Optional.empty()
                : Optional.of(new LfsPrefetch(settings.lfsPrefetch(), repositories, lfsObjects));
        SyncRate rate = new SyncRate(clock);
        SyncEngine sync = new SyncEngine(store, repositories, lifecycle,
                new HeldStateFetchSource(sources.apply(new UpstreamFetchSource(upstream, new MirrorFetcher(client.trust())))),
                barrier, guard, clock,
                settings.syncParallelism(), SyncObserver.both(metrics, SyncObserver.both(offload,
                        SyncObserver.both(rate, SyncObserver.both(new ServedStateReports(upstream, scheduler),
                                SyncObserver.both(lfsRelease(lfsObjects),
                                        prefetch.<SyncObserver>map(p -> p).orElse(SyncObserver.NONE)))))));
        Reconciler reconciler = new Reconciler(upstream, store, sync, clock, guard);
        MirrorStatus status = new MirrorStatus(upstream, store, reconciler, clock, offload, rate);
        scheduler.scheduleWithFixedDelay(new ProgressLog(status, sync::fetchLimit), ProgressLog.INTERVAL.toMillis(),
                ProgressLog.INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        // As on the primary: the files of objects no carried repository holds go once the kept-aside window passed.
        UnheldLfsPurge.schedule(scheduler, clock, lfsObjects::purgeUnheld);
        return new Parts(scheduler, upstream, guard, sync, reconciler, store, repositories, clock, status, upstreamLfs,
                lfsObjects, prefetch);
    }

    /**
     * A lone mirror node: it registers and follows the upstream itself, fetches from it, moves refs
     * as soon as it holds their objects, and keeps its state and its users' answers to itself.
     */
    private static Assembly assembleAlone(MirrorSettings settings, InstanceIdentity identity, Parts parts,
                                          SecureRandom random, MirrorMetrics metrics) {
        DelegatedGitAuthorizer authorizer = authorizer(settings, parts, new LocalCredentialVerdicts(random), metrics);
        byte[] lfsSshKey = ProcessKeys.random(random);
        UpstreamChanges changes = new LocalUpstreamChanges(parts.store(), parts.sync(), parts.reconciler(),
                authorizer::invalidate);
        EventFollower events = new EventFollower(parts.upstream(), parts.reconciler(), changes, parts.guard());
        MirrorNode node = node(settings, parts, new DirectRegistration(parts.upstream(), parts.scheduler(), VERSION), events,
                authorizer, changes, FarmMembership.alone(VERSION), ReadGate.OPEN, new LoneNodeReadiness(parts.status()));
        return new Assembly(node, baseUrl -> new MirrorIdentity(identity.id(), settings.name(), baseUrl,
                identity.publicKeyJwk(), MirrorType.SINGLE), port -> { }, PeerReads.NONE,
                lfsTransferTokens(random, parts.clock()), () -> lfsSshKey, List.of());
    }

    /**
     * A farm node: it joins its farm's cluster and agrees on the farm's id; the coordinator sends the
     * farm's one request and holds the event stream, whose changes reach every node over the
     * cluster; each node reconciles itself with its own signed requests, and users' answers are
     * shared. The node serves under the load balancer's URL, and its peers reach it at its own.
     */
    private static Assembly assembleFarmNode(MirrorSettings settings, FarmCluster.Settings farm, FarmCluster cluster,
                                             PublishedRefs published, InstanceIdentity identity, Parts parts,
                                             SecureRandom random, MirrorMetrics metrics, PeerReads peers,
                                             List<AutoCloseable> closeAfterNode) {
        String farmId = FarmId.agree(cluster, settings.home(), FarmId::random);
        published.onForeignProposal(parts.sync()::request);
        FarmReadiness readiness = new FarmReadiness(cluster, published, parts.status(), parts.store(),
                MirrorStatus.LAG_THRESHOLD);
        readiness.start();
        closeAfterNode.add(0, readiness::stop);
        FarmVet vet = new FarmVet(cluster.nodeId(), published, parts.store(), parts.sync()::isSyncing,
                parts.sync()::request, parts.clock(), settings.farmVetInterval());
        vet.start();
        closeAfterNode.add(0, vet::stop);
        DelegatedGitAuthorizer authorizer = authorizer(settings, parts, new FarmCredentialVerdicts(cluster, random,
                settings.authCache().plus(settings.offlineAccess())), metrics);
        FarmUpstreamChanges changes = new FarmUpstreamChanges(cluster, new LocalUpstreamChanges(parts.store(),
                parts.sync(), parts.reconciler(), authorizer::invalidate));
        closeAfterNode.add(0, changes);
        CoordinatorEvents events = new CoordinatorEvents(cluster, new EventFollower(parts.upstream(),
                parts.reconciler(), changes, parts.guard()), parts.reconciler(), parts.upstream().lifecycle(),
                changes::permissionsChanged);
        closeAfterNode.add(0, events);
        MirrorNode node = node(settings, parts, new FarmRegistration(cluster, parts.upstream(), farmId,
                parts.scheduler(), VERSION), events, authorizer, changes, new ClusterMembership(cluster),
                new FarmReadGate(published), readiness);
        log.info("node {} joined farm '{}' ({}) as {}", identity.id(), farm.name(), farmId,
                cluster.isCoordinator() ? "its coordinator" : "a member");
        return new Assembly(node, baseUrl -> new MirrorIdentity(farmId, farm.name(), baseUrl, identity.publicKeyJwk(),
                MirrorType.FARM), port -> cluster.publishUrl((settings.web().tls().isPresent() ? "https://" : "http://")
                        + farm.address() + ":" + port), peers, new LfsTransferTokens(FarmSecret.following(cluster,
                        FarmSecret.LFS_TRANSFER_TOKENS, random, parts.clock(), FARM_SECRET_REFRESH), parts.clock(),
                        LfsTransferTokens.DEFAULT_LIFETIME),
                FarmSecret.following(cluster, FarmSecret.LFS_SSH_CREDENTIALS, random, parts.clock(), FARM_SECRET_REFRESH),
                closeAfterNode);
    }

    /** Joins the node's farm first: its sync engine's barrier needs the farm's published refs. */
    private static FarmCluster joinFarm(FarmCluster.Settings farm, MirrorSettings settings, InstanceIdentity identity,
                                        List<AutoCloseable> closeAfterNode) {
        FarmCluster cluster = FarmCluster.join(farm, new FarmCluster.NodeIdentity(identity.id(), settings.name(),
                identity.publicKeyJwk(), VERSION));
        closeAfterNode.add(cluster);
        return cluster;
    }

    private static PublishedRefs publishedRefs(FarmCluster cluster, RepositoryStore repositories, Clock clock,
                                               List<AutoCloseable> closeAfterNode) {
        PublishedRefs published = new PublishedRefs(cluster, repositories, clock, PublishedRefs.Settings.DEFAULTS);
        published.start();
        closeAfterNode.add(0, published::close);
        return published;
    }

    private static DelegatedGitAuthorizer authorizer(MirrorSettings settings, Parts parts, CredentialVerdicts verdicts,
                                                     MirrorMetrics metrics) {
        return new DelegatedGitAuthorizer(parts.upstream(), parts.store(), verdicts, parts.clock(), metrics,
                new DelegatedGitAuthorizer.Policy(settings.authCache(), settings.offlineAccess()));
    }

    private static MirrorNode node(MirrorSettings settings, Parts parts, UpstreamRegistration registration,
                                   UpstreamEvents events, DelegatedGitAuthorizer authorizer, UpstreamChanges changes,
                                   FarmMembership membership, ReadGate readGate, Readiness readiness) {
        return new MirrorNode(new MirrorNode.Settings(VERSION, settings.keptRetention()), parts.upstream(),
                parts.guard(), registration, parts.sync(),
                new DirectUpstreamFollower(parts.reconciler(), events, parts.scheduler(), settings.reconcileInterval(),
                        parts.upstream().client().upstreamUrl()),
                parts.status(), authorizer, new PushForwarder(parts.upstream(), parts.store(), parts.sync(), changes,
                        parts.status().offload()),
                membership, parts.store(), parts.repositories(), parts.clock(), parts.scheduler(), readGate, readiness);
    }

    private static void closeAll(List<AutoCloseable> parts) {
        for (AutoCloseable part : parts) {
            try {
                part.close();
            } catch (Exception e) {
                log.warn("closing {} failed", part.getClass().getSimpleName(), e);
            }
        }
    }

    public String baseUrl() {
        return web.baseUrl();
    }

    /** The port this node's web server listens on: behind a farm's load balancer, its own. */
    public int port() {
        return web.port();
    }

    /** Where Git over SSH is served ({@code ssh://git@HOST:PORT}), unless SSH is turned off. */
    public Optional<String> sshBaseUrl() {
        return sshBaseUrl;
    }

    /** The port Git over SSH listens on, unless SSH is turned off. */
    public Optional<Integer> sshPort() {
        return ssh.map(GitSshServer::port);
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
            ssh.ifPresent(GitSshServer::stop);
            node.stop();
            web.stop();
            closeAll(closeAfterNode);
        } finally {
            store.close();
        }
    }
}
