package dev.facet.cli;

import dev.facet.core.tls.OutboundTrust;
import dev.facet.farm.FarmCluster;
import dev.facet.farm.FarmVet;
import dev.facet.mirror.LfsPrefetch;
import dev.facet.store.DatabaseSettings;
import dev.facet.web.WebSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a mirror node needs to start, parsed and checked once; {@code upstreamTrust} is whom its
 * calls and fetches to the upstream trust over HTTPS; {@code farm} is the farm it joins, empty for a
 * lone mirror, which runs no cluster; {@code farmVetInterval} is how often a farm node compares its copies with
 * the farm's published state; {@code ssh} is Git over SSH ({@code facet.ssh.*}, as on the primary); {@code lfs} and
 * {@code lfsPrefetch} are Git LFS's largest object and which objects are fetched after a sync
 * ({@code facet.mirror.lfs-prefetch}: none, recent or all).
 */
public record MirrorSettings(Path home, WebSettings web, DatabaseSettings database, String upstreamUrl, String name,
                             Duration reconcileInterval, int syncParallelism, Duration keptRetention,
                             Duration authCache, Duration offlineAccess, GitLimits git, OutboundTrust upstreamTrust,
                             Optional<FarmCluster.Settings> farm, Duration farmVetInterval, SshSettings ssh,
                             LfsSettings lfs, LfsPrefetch.Policy lfsPrefetch) {
    /** How long refs and repositories deleted or rewound upstream are kept aside on a mirror. */
    public static final Duration DEFAULT_KEPT_RETENTION = Duration.ofDays(7);

    /** How long the primary's answer on a user's credentials is reused before it is asked again. */
    public static final Duration DEFAULT_AUTH_CACHE = Duration.ofSeconds(30);
    /** How long a user the primary let in keeps read access while the primary cannot answer (DESIGN, offline policy). */
    public static final Duration DEFAULT_OFFLINE_ACCESS = Duration.ofMinutes(15);

    public static final int DEFAULT_PORT = 7991;
    static final int MAX_SYNC_PARALLELISM = 64;

    /**
     * The most fetches a mirror runs at once unless configured: eight per core, since a fetch mostly waits on the
     * upstream; the mirror runs fewer while its fetches' times show the upstream saturated.
     */
    static int defaultSyncParallelism() {
        return Math.min(MAX_SYNC_PARALLELISM, 8 * Runtime.getRuntime().availableProcessors());
    }

    public static MirrorSettings load(Path home, Map<String, String> flags, Map<String, String> environment) {
        Path absoluteHome = home.toAbsolutePath().normalize();
        RawSettings raw = RawSettings.load(absoluteHome, flags, environment);
        WebSettings web = raw.web(DEFAULT_PORT);
        String upstream = raw.upstreamUrl().orElseThrow(() -> new SettingsError(
                "A mirror needs its upstream: pass --upstream URL or set " + RawSettings.UPSTREAM_URL + "."));
        String name = raw.text(RawSettings.MIRROR_NAME).orElseGet(() -> absoluteHome.getFileName().toString());
        Duration reconcile = Duration.ofSeconds(raw.positiveLong(RawSettings.RECONCILE_SECONDS, 60));
        int parallelism = (int) Math.min(MAX_SYNC_PARALLELISM,
                raw.positiveLong(RawSettings.SYNC_PARALLELISM, defaultSyncParallelism()));
        Optional<FarmCluster.Settings> farm = raw.farm();
        Duration farmVet = Duration.ofSeconds(raw.positiveLong(RawSettings.FARM_VET_SECONDS,
                FarmVet.DEFAULT_INTERVAL.toSeconds()));
        if (farm.isPresent() && web.baseUrl() == null) {
            throw new SettingsError("A farm node serves under its farm's load-balancer URL, the same on every node: "
                    + "pass --base-url URL or set " + RawSettings.BASE_URL + ".");
        }
        return new MirrorSettings(absoluteHome, web, DatabaseSettings.embeddedH2(absoluteHome.resolve("data").resolve("db")),
                upstream, name, reconcile, parallelism, Duration.ofSeconds(raw.positiveLong(RawSettings.KEPT_RETENTION_SECONDS,
                        DEFAULT_KEPT_RETENTION.toSeconds())),
                Duration.ofSeconds(raw.positiveLong(RawSettings.AUTH_CACHE_SECONDS, DEFAULT_AUTH_CACHE.toSeconds())),
                Duration.ofSeconds(raw.nonNegativeLong(RawSettings.OFFLINE_ACCESS_SECONDS,
                        DEFAULT_OFFLINE_ACCESS.toSeconds())), GitLimits.from(raw), raw.outboundTrust(), farm,
                farmVet, SshSettings.from(raw), LfsSettings.from(raw),
                LfsPrefetch.Policy.valueOf(raw.oneOf(RawSettings.LFS_PREFETCH, "none", List.of("none", "recent", "all"))
                        .toUpperCase(Locale.ROOT)));
    }
}
