package dev.facet.cli;

import dev.facet.primary.MirrorAdmission;
import dev.facet.primary.RefsVerification;
import dev.facet.primary.WebhookDeliveries;
import dev.facet.store.DatabaseSettings;
import dev.facet.web.WebSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Everything a primary needs to start, parsed and checked once. */
public record PrimarySettings(Path home, WebSettings web, DatabaseSettings database, Optional<String> adminPassword,
                              Duration mirrorRemovalGrace, Duration eventRetention,
                              MirrorAdmission.Limits mirrorRequestLimits, GitLimits git,
                              WebhookDeliveries.Settings webhooks, SshSettings ssh, LfsSettings lfs,
                              Duration refsVerifyInterval, int refsVerifyPerRound) {
    /** How long a deleted mirror can be restored before its registration is purged. */
    public static final Duration DEFAULT_REMOVAL_GRACE = Duration.ofDays(7);

    /** How long events are kept for mirrors to follow; longer than the removal grace, so a restored mirror can. */
    public static final Duration DEFAULT_EVENT_RETENTION = Duration.ofDays(30);

    public static final int DEFAULT_PORT = 7990;

    public static PrimarySettings load(Path home, Map<String, String> flags, Map<String, String> environment) {
        Path absoluteHome = home.toAbsolutePath().normalize();
        RawSettings raw = RawSettings.load(absoluteHome, flags, environment);
        WebSettings web = raw.web(DEFAULT_PORT);
        DatabaseSettings database = raw.databaseUrl(RawSettings.DB_URL)
                .map(url -> new DatabaseSettings(url, raw.text(RawSettings.DB_USER).orElse(null),
                        raw.text(RawSettings.DB_PASSWORD).orElse(null)))
                .orElseGet(() -> DatabaseSettings.embeddedH2(absoluteHome.resolve("data").resolve("db")));
        Optional<String> adminPassword = Optional.ofNullable(environment.get("FACET_ADMIN_PASSWORD"))
                .filter(p -> !p.isEmpty());
        Duration grace = Duration.ofSeconds(raw.positiveLong(RawSettings.REMOVAL_GRACE_SECONDS,
                DEFAULT_REMOVAL_GRACE.toSeconds()));
        Duration retention = Duration.ofSeconds(raw.positiveLong(RawSettings.EVENT_RETENTION_SECONDS,
                DEFAULT_EVENT_RETENTION.toSeconds()));
        MirrorAdmission.Limits requestLimits = new MirrorAdmission.Limits(
                (int) Math.min(Integer.MAX_VALUE, raw.positiveLong(RawSettings.MIRROR_REQUESTS_PENDING_PER_ADDRESS,
                        MirrorAdmission.Limits.DEFAULT.maxPendingPerAddress())),
                (int) Math.min(Integer.MAX_VALUE, raw.positiveLong(RawSettings.MIRROR_REQUESTS_PER_MINUTE_PER_ADDRESS,
                        MirrorAdmission.Limits.DEFAULT.maxPerMinutePerAddress())));
        WebhookDeliveries.Settings defaults = WebhookDeliveries.Settings.DEFAULTS;
        WebhookDeliveries.Settings webhooks = new WebhookDeliveries.Settings(
                raw.bool(RawSettings.WEBHOOKS_ALLOW_LOCAL, defaults.allowLocal()),
                Duration.ofSeconds(raw.positiveLong(RawSettings.WEBHOOKS_TIMEOUT_SECONDS, defaults.timeout().toSeconds())),
                defaults.retryFirst(),
                Duration.ofSeconds(raw.positiveLong(RawSettings.WEBHOOKS_RETRY_MAX_SECONDS,
                        defaults.retryMax().toSeconds())));
        Duration verifyInterval = Duration.ofSeconds(raw.positiveLong(RawSettings.REFS_VERIFY_SECONDS,
                RefsVerification.DEFAULT_INTERVAL.toSeconds()));
        int verifyPerRound = (int) Math.min(100_000, raw.positiveLong(RawSettings.REFS_VERIFY_PER_ROUND,
                RefsVerification.DEFAULT_PER_ROUND));
        return new PrimarySettings(absoluteHome, web, database, adminPassword, grace, retention, requestLimits,
                GitLimits.from(raw), webhooks, SshSettings.from(raw), LfsSettings.from(raw), verifyInterval,
                verifyPerRound);
    }
}
