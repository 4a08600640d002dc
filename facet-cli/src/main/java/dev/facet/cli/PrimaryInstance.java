package dev.facet.cli;

import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.store.Store;
import dev.facet.core.access.LocalGitAuthorizer;
import dev.facet.git.AdvertisedRefsCache;
import dev.facet.git.ClonePackCache;
import dev.facet.git.GitSeams;
import dev.facet.core.lfs.BoundedLfsUploads;
import dev.facet.core.lfs.LfsSshCredentials;
import dev.facet.core.lfs.LfsTransferTokens;
import dev.facet.git.LocalDiskLfsObjectStore;
import dev.facet.git.LocalDiskRepositoryStore;
import dev.facet.primary.HostedLfsObjects;
import dev.facet.primary.LfsLockService;
import dev.facet.web.LfsApi;
import dev.facet.primary.AccessKeyService;
import dev.facet.primary.AdminBootstrap;
import dev.facet.primary.EventRetention;
import dev.facet.core.event.EventSignal;
import dev.facet.primary.MirrorAdmission;
import dev.facet.primary.MirrorEventStream;
import dev.facet.primary.MirrorFetchTokens;
import dev.facet.primary.MirrorRegistry;
import dev.facet.primary.MirrorSyncReports;
import dev.facet.primary.PrimaryAuthenticator;
import dev.facet.primary.PrimaryDoctor;
import dev.facet.primary.SignallingStore;
import dev.facet.primary.StagingPreparation;
import dev.facet.primary.PasswordHasher;
import dev.facet.primary.GlobalPermissionService;
import dev.facet.primary.GroupService;
import dev.facet.primary.PermissionService;
import dev.facet.primary.ProjectService;
import dev.facet.primary.ProjectTokenService;
import dev.facet.primary.PushAudit;
import dev.facet.primary.PushEventRecorder;
import dev.facet.primary.RefsVerification;
import dev.facet.primary.RefService;
import dev.facet.primary.SshKeyService;
import dev.facet.primary.ForwardedSshPushes;
import dev.facet.primary.UserService;
import dev.facet.primary.WebhookDeliveries;
import dev.facet.primary.WebhookService;
import dev.facet.primary.WebhookUrlPolicy;
import dev.facet.ssh.GitSshServer;
import dev.facet.core.access.Credentials;
import dev.facet.store.JdbcStore;
import dev.facet.web.FacetMetrics;
import dev.facet.web.PrimaryWebServer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running primary, wired by hand from its settings. Tests start it in-process; the command runs one. */
public final class PrimaryInstance implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PrimaryInstance.class);
    private static final java.time.Duration PURGE_INTERVAL = java.time.Duration.ofSeconds(30);

    private final Store store;
    private final PrimaryWebServer web;
    private final String instanceId;
    private final MirrorRegistry mirrors;
    private final MirrorAdmission admission;
    private final MirrorFetchTokens fetchTokens;
    private final ExecutorService eventReaders;
    private final EventSignal signal;
    private final ScheduledExecutorService purger;
    private final Optional<InstanceControl> control;
    private final WebhookDeliveries webhookDeliveries;
    private final Optional<GitSshServer> ssh;
    private final Optional<String> sshBaseUrl;
    private final AdvertisedRefsCache advertisedRefs;

    private PrimaryInstance(Store store, PrimaryWebServer web, String instanceId, MirrorRegistry mirrors,
                            MirrorAdmission admission, MirrorFetchTokens fetchTokens, ExecutorService eventReaders,
                            EventSignal signal, ScheduledExecutorService purger, Optional<InstanceControl> control,
                            WebhookDeliveries webhookDeliveries, Optional<GitSshServer> ssh,
                            Optional<String> sshBaseUrl, AdvertisedRefsCache advertisedRefs) {
        this.advertisedRefs = advertisedRefs;
        this.control = control;
        this.webhookDeliveries = webhookDeliveries;
        this.ssh = ssh;
        this.sshBaseUrl = sshBaseUrl;
        this.purger = purger;
        this.signal = signal;
        this.store = store;
        this.web = web;
        this.instanceId = instanceId;
        this.mirrors = mirrors;
        this.admission = admission;
        this.fetchTokens = fetchTokens;
        this.eventReaders = eventReaders;
    }

    /** The mirror registry, for the demo and tests that act as an administrator would. */
    public MirrorRegistry mirrors() {
        return mirrors;
    }

    /** The mirrors' authorization requests, for the demo and tests that act as an administrator would. */
    public MirrorAdmission admission() {
        return admission;
    }

    /** The fetch tokens mirrors are given, for tests that call as a mirror's Git client would. */
    public MirrorFetchTokens fetchTokens() {
        return fetchTokens;
    }

    public static PrimaryInstance start(PrimarySettings settings) {
        return start(settings, Clock.systemUTC());
    }

    /** A primary whose time comes from {@code clock}: tests move it to see what silence looks like. */
    static PrimaryInstance start(PrimarySettings settings, Clock clock) {
        Path home = InstanceHome.secure(settings.home());
        Path repositoriesDir = InstanceHome.repositories(home);
        InstanceIdentity identity = InstanceHome.identity(home);
        InstanceHome.markRole(home, InstanceHome.Role.PRIMARY);
        JdbcStore database = JdbcStore.open(settings.database());
        EventSignal signal = database.openEventSignal();
        Store store = new SignallingStore(database, signal);
        Optional<InstanceControl> control = Optional.empty();
        Optional<GitSshServer> ssh = Optional.empty();
        // Known once SSH listens; the doctor's handler is registered before.
        AtomicReference<Optional<Integer>> sshPort = new AtomicReference<>(Optional.empty());
        ExecutorService eventReaders = Executors.newFixedThreadPool(2, daemon("facet-event-reader"));
        ScheduledExecutorService purger = Executors.newSingleThreadScheduledExecutor(daemon("facet-mirror-purge"));
        WebhookUrlPolicy webhookUrls = new WebhookUrlPolicy(settings.webhooks().allowLocal(), store);
        WebhookDeliveries webhookDeliveries = new WebhookDeliveries(store, webhookUrls, signal, clock, settings.webhooks(),
                identity.id());
        // Read once per change of a repository's refs, for HTTP and SSH alike.
        AdvertisedRefsCache advertisedRefs = new AdvertisedRefsCache();
        advertisedRefs.start();
        // Primary processes on one database share their repositories: a push through another moves refs on disk
        // that JGit never announces here, but its event's commit reaches this signal, after the refs moved.
        forgetAdvertisedRefsOnEveryEvent(signal, advertisedRefs);
        try {
            SecureRandom random = new SecureRandom();
            LocalDiskRepositoryStore repositories = new LocalDiskRepositoryStore(repositoriesDir);
            LocalDiskLfsObjectStore lfsObjectStore = new LocalDiskLfsObjectStore(InstanceHome.lfs(home));
            LfsLockService lfsLocks = new LfsLockService(store, clock, settings.lfs().maxLocksPerRepository());
            AtomicReference<PrimaryWebServer> web = new AtomicReference<>();
            HostedLfsObjects lfsObjects = new HostedLfsObjects(store, lfsObjectStore);
            LfsSshCredentials lfsSshCredentials = new LfsSshCredentials(ProcessKeys.random(random), clock,
                    LfsSshCredentials.DEFAULT_LIFETIME, () -> web.get().baseUrl());
            LfsApi lfs = new LfsApi(new BoundedLfsUploads(lfsObjects, settings.lfs().maxConcurrentUploads(),
                    clock), lfsLocks,
                    new LfsTransferTokens(ProcessKeys.random(random), clock, LfsTransferTokens.DEFAULT_LIFETIME),
                    settings.lfs().maxObjectBytes(), Optional.of(lfsSshCredentials));
            control = InstanceControl.open(home, Map.of(
                    "backup", HomeBackup.controlHandler(home, settings.database()),
                    "doctor", DoctorCommand.controlHandler(() -> DoctorCommand.withSshListener(
                            new PrimaryDoctor(store, repositories, lfsObjectStore).examine(), settings.web().host(),
                            sshPort.get()))));
            UserService users = new UserService(store, new PasswordHasher(random), random, clock);
            new AdminBootstrap(users, random).ensureAdmin(settings.adminPassword(), home.resolve("admin-password"))
                    .ifPresent(log::info);
            // Known once the SSH listener has its port; the web server is built before it starts.
            AtomicReference<Optional<String>> sshBaseUrl = new AtomicReference<>(Optional.empty());
            MirrorAdmission admission = new MirrorAdmission(store, clock, identity.id(), identity.publicKeyJwk(),
                    () -> web.get().baseUrl(), settings.mirrorRequestLimits());
            SshKeyService sshKeys = new SshKeyService(store, clock);
            MirrorRegistry mirrors = new MirrorRegistry(store, users, sshKeys, clock, identity.id(),
                    settings.mirrorRemovalGrace(), admission);
            MirrorEventStream mirrorEvents = new MirrorEventStream(store, signal, eventReaders);
            MirrorFetchTokens fetchTokens = new MirrorFetchTokens(store, clock, random);
            ProjectService projects = new ProjectService(store, repositories, clock);
            PermissionService permissions = new PermissionService(store, clock);
            FacetMetrics metrics = new FacetMetrics(() -> store.inTransaction(tx -> tx.repositories().count()));
            metrics.watchRefAdvertisements(advertisedRefs);
            RequestTokens requestTokens = new RequestTokens(clock, random,
                    new ReplayGuard(clock, ReplayGuard.DEFAULT_CAPACITY));
            PrimaryAuthenticator authenticator = new PrimaryAuthenticator(users, fetchTokens, sshKeys);
            GitSeams git = GitSeams.hosted(repositories, permissions, new PushEventRecorder(store, clock),
                    new PushAudit(store, clock), settings.git().maxPushBytes(), metrics, lfsLocks, advertisedRefs);
            // One clone cache for HTTP and SSH: a clone over either is kept once and served to both.
            ClonePackCache clones = new ClonePackCache(repositories, metrics, settings.git().cloneCache());
            web.set(new PrimaryWebServer(settings.web(), projects, new RefService(store, repositories, clock), permissions,
                    users, new GroupService(store, clock), new GlobalPermissionService(store, clock),
                    new ProjectTokenService(store, random, clock), sshKeys,
                    new AccessKeyService(store, random, clock),
                    authenticator, mirrors, admission, mirrorEvents, fetchTokens,
                    requestTokens, identity,
                    git, clones,
                    metrics, new WebhookService(store, webhookUrls, webhookDeliveries, clock),
                    new MirrorSyncReports(store, clock), sshBaseUrl::get,
                    new ForwardedSshPushes(store, clock, new LocalGitAuthorizer(authenticator, permissions), git,
                            settings.git().maxPushBytes()), lfs));
            if (settings.ssh().enabled()) {
                ssh = Optional.of(new GitSshServer(settings.web().host(), settings.ssh().port(), home.resolve("keys"),
                        (fingerprint, address) -> authenticator.caller(Optional.of(Credentials.publicKey(fingerprint)),
                                address), new LocalGitAuthorizer(authenticator, permissions), git.repositories(),
                        git.uploadPacks(), git.receivePacks(), lfsSshCredentials, clones,
                        settings.web().limits().maxConcurrentGitRequests()));
                ssh.get().start();
                sshPort.set(Optional.of(ssh.get().port()));
                sshBaseUrl.set(Optional.of(settings.ssh().baseUrl(ssh.get().port())));
            }
            RefsVerification refsVerification = new RefsVerification(store, repositories, clock,
                    settings.refsVerifyPerRound());
            // Before mirrors are served: a repository without a stored state would look deleted to them.
            refsVerification.fillMissing();
            web.get().start();
            webhookDeliveries.start();
            mirrors.purgeExpired();
            purger.scheduleWithFixedDelay(() -> {
                try {
                    mirrors.purgeExpired();
                } catch (RuntimeException e) {
                    log.warn("purging removed mirrors failed", e);
                }
            }, PURGE_INTERVAL.toMillis(), PURGE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            UnheldLfsPurge.schedule(purger, clock, lfsObjects::purgeUnheld);
            purger.scheduleWithFixedDelay(() -> {
                try {
                    refsVerification.verifyNext();
                } catch (RuntimeException e) {
                    log.warn("verifying stored refs states against the disk failed", e);
                }
            }, settings.refsVerifyInterval().toMillis(), settings.refsVerifyInterval().toMillis(), TimeUnit.MILLISECONDS);
            EventRetention retention = new EventRetention(store, clock, settings.eventRetention());
            purger.scheduleWithFixedDelay(() -> {
                try {
                    retention.purge();
                } catch (RuntimeException e) {
                    log.warn("purging old events failed", e);
                }
            }, 0, retention.interval().toMillis(), TimeUnit.MILLISECONDS);
            StagingPreparation.copyWarning(store, web.get().baseUrl()).ifPresent(warning -> log.warn("{}", warning));
            store.useTransaction(tx -> tx.instanceSettings().put(StagingPreparation.BASE_URL, web.get().baseUrl()));
            log.info("primary {} serving {} from {}", identity.id(), web.get().baseUrl(), home);
            return new PrimaryInstance(store, web.get(), identity.id(), mirrors, admission, fetchTokens, eventReaders, signal,
                    purger, control, webhookDeliveries, ssh, sshBaseUrl.get(), advertisedRefs);
        } catch (RuntimeException e) {
            advertisedRefs.stop();
            webhookDeliveries.stop();
            ssh.ifPresent(GitSshServer::stop);
            control.ifPresent(InstanceControl::close);
            purger.shutdownNow();
            eventReaders.shutdownNow();
            signal.close();
            store.close();
            throw e;
        }
    }

    private static void forgetAdvertisedRefsOnEveryEvent(EventSignal signal, AdvertisedRefsCache advertisedRefs) {
        signal.next().thenRun(() -> {
            advertisedRefs.forgetAll();
            if (!signal.isClosed()) {
                forgetAdvertisedRefsOnEveryEvent(signal, advertisedRefs);
            }
        });
    }

    static ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    public String baseUrl() {
        return web.baseUrl();
    }

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

    /** The database, for tests that check what the primary recorded. */
    public Store store() {
        return store;
    }

    @Override
    public void close() {
        try {
            // Answer the mirrors' pending long-polls now, so that stopping does not wait for them to time out.
            control.ifPresent(InstanceControl::close);
            webhookDeliveries.stop();
            signal.close();
            ssh.ifPresent(GitSshServer::stop);
            web.stop();
        } finally {
            advertisedRefs.stop();
            purger.shutdownNow();
            eventReaders.shutdownNow();
            store.close();
        }
    }
}
