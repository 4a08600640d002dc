package dev.facet.web;

import dev.facet.core.mirror.protocol.Heartbeat;
import dev.facet.mirror.DelegatedGitAuthorizer;
import dev.facet.mirror.SyncObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;

/** A mirror's own metrics, beside the Git ones: sync latency, bytes fetched, the worst lags, auth cache use. */
public final class MirrorMetrics implements SyncObserver, DelegatedGitAuthorizer.AuthObserver {
    private final Timer syncDuration;
    private final Counter syncFailures;
    private final Counter fetchedBytes;
    private final Counter cacheHits;
    private final Counter cacheMisses;
    private final Counter offlineGrants;
    private final MultiGauge lag;
    private final io.micrometer.core.instrument.MeterRegistry registry;

    public MirrorMetrics(FacetMetrics metrics) {
        this.registry = metrics.registry();
        syncDuration = Timer.builder("facet.sync.duration").description("Time to bring one repository in sync")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
        syncFailures = Counter.builder("facet.sync.failures").description("Syncs that failed and will be retried")
                .register(registry);
        fetchedBytes = Counter.builder("facet.sync.fetched.bytes").description("Pack bytes fetched from the upstream")
                .baseUnit("bytes").register(registry);
        cacheHits = Counter.builder("facet.mirror.auth.lookups").tag("cache", "hit")
                .description("Credential checks answered from the cache or by the upstream").register(registry);
        cacheMisses = Counter.builder("facet.mirror.auth.lookups").tag("cache", "miss")
                .description("Credential checks answered from the cache or by the upstream").register(registry);
        offlineGrants = Counter.builder("facet.mirror.auth.offline.grants")
                .description("Reads let through by the offline policy while the primary could not answer")
                .register(registry);
        lag = MultiGauge.builder("facet.sync.lag").description("How long the worst repositories have been behind")
                .baseUnit("seconds").register(registry);
    }

    @Override
    public void onSynced(long repositoryId, long millis, long bytesFetched) {
        syncDuration.record(Duration.ofMillis(millis));
        fetchedBytes.increment(bytesFetched);
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

    /** Shows how many upstream alerts are open; a non-zero value wants an administrator. */
    void watchAlerts(java.util.function.IntSupplier openAlerts) {
        io.micrometer.core.instrument.Gauge.builder("facet.mirror.upstream.alerts", openAlerts::getAsInt)
                .description("Open alerts about the upstream's identity or history").register(registry);
    }

    /** Shows the worst lags as they are now. */
    void showLags(List<Heartbeat.Lag> worst) {
        lag.register(worst.stream().map(l -> MultiGauge.Row.of(Tags.of("repository", l.project() + "/" + l.slug()),
                l.lagMillis() / 1000.0)).toList(), true);
    }
}
