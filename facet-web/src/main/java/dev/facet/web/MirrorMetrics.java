package dev.facet.web;

import dev.facet.git.GitOperationObserver;
import dev.facet.mirror.DelegatedGitAuthorizer;
import dev.facet.mirror.LfsTraffic;
import dev.facet.mirror.MirrorStatus;
import dev.facet.mirror.SyncObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A mirror's own metrics, beside the Git ones: sync latency, bytes fetched, how far behind it is,
 * auth cache use. {@code /metrics} needs no sign-in, so nothing here names a repository.
 */
public final class MirrorMetrics implements SyncObserver, DelegatedGitAuthorizer.AuthObserver, LfsTraffic {
    private final Timer syncDuration;
    private final Counter syncFailures;
    private final Counter fetchedBytes;
    private final Counter peerUploadBytes;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Counter offlineGrants;
    private final Counter lfsServedBytes;
    private final Counter lfsFetchedBytes;
    private final AtomicLong worstLagMillis = new AtomicLong();
    private final AtomicLong behind = new AtomicLong();
    private final io.micrometer.core.instrument.MeterRegistry registry;

    public MirrorMetrics(FacetMetrics metrics) {
        this.registry = metrics.registry();
        syncDuration = Timer.builder("facet.sync.duration").description("Time to bring one repository in sync")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
        syncFailures = Counter.builder("facet.sync.failures").description("Syncs that failed and will be retried")
                .register(registry);
        fetchedBytes = Counter.builder("facet.sync.fetched.bytes").description("Pack bytes fetched from the upstream")
                .baseUnit("bytes").register(registry);
        peerUploadBytes = Counter.builder("facet.farm.peer.upload.bytes")
                .description("Pack bytes this farm node sent to its peers (a node joining or catching up)")
                .baseUnit("bytes").register(registry);
        cacheHits = Counter.builder("facet.mirror.auth.lookups").tag("cache", "hit")
                .description("Credential checks answered from the cache or by the upstream").register(registry);
        cacheMisses = Counter.builder("facet.mirror.auth.lookups").tag("cache", "miss")
                .description("Credential checks answered from the cache or by the upstream").register(registry);
        offlineGrants = Counter.builder("facet.mirror.auth.offline.grants")
                .description("Reads let through by the offline policy while the primary could not answer")
                .register(registry);
        lfsServedBytes = Counter.builder("facet.mirror.lfs.served.bytes")
                .description("Git LFS object bytes this mirror sent to clients from its own disk")
                .baseUnit("bytes").register(registry);
        lfsFetchedBytes = Counter.builder("facet.mirror.lfs.fetched.bytes")
                .description("Git LFS object bytes this mirror fetched from the primary (each object once)")
                .baseUnit("bytes").register(registry);
        Gauge.builder("facet.sync.lag.max", () -> worstLagMillis.get() / 1000.0)
                .description("How long the repository furthest behind has been behind").baseUnit("seconds")
                .register(registry);
        Gauge.builder("facet.sync.repositories.behind", behind::get)
                .description("Carried repositories that are behind the upstream").register(registry);
    }

    @Override
    public void onSynced(long repositoryId, String servedRefsHash, long millis, long bytesFetched) {
        syncDuration.record(Duration.ofMillis(millis));
        fetchedBytes.increment(bytesFetched);
    }

    /** Counts what the peer endpoint serves, apart from what users fetch. */
    public GitOperationObserver peerUploads() {
        return new GitOperationObserver() {
            @Override
            public void onUpload(long repositoryId, boolean clone, long bytesSent) {
                peerUploadBytes.increment(bytesSent);
            }
        };
    }

    @Override
    public void onSyncFailed(long repositoryId) {
        syncFailures.increment();
    }

    @Override
    public void onLookup(boolean cacheHit) {
        (cacheHit ? cacheHits : cacheMisses).increment();
    }

    @Override
    public void onOfflineGrant() {
        offlineGrants.increment();
    }

    @Override
    public void onServed(long bytes) {
        lfsServedBytes.increment(bytes);
    }

    @Override
    public void onFetched(long bytes) {
        lfsFetchedBytes.increment(bytes);
    }

    /** Shows how many upstream alerts are open; a non-zero value wants an administrator. */
    void watchAlerts(java.util.function.IntSupplier openAlerts) {
        io.micrometer.core.instrument.Gauge.builder("facet.mirror.upstream.alerts", openAlerts::getAsInt)
                .description("Open alerts about the upstream's identity or history").register(registry);
    }

    /** Shows how far behind the mirror is now, as counts. */
    void showProgress(MirrorStatus.Progress progress) {
        worstLagMillis.set(progress.worstLagMillis());
        behind.set(progress.behind());
    }
}
