package dev.facet.web;

import dev.facet.core.tls.ServerCertificate;
import dev.facet.core.tls.TlsFileUnusable;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the certificate and key files and hands a changed pair to the TLS stack, so that a
 * renewed certificate is served from the next connection on without a restart. A pair that cannot
 * be used (a certificate renewed before its key, say) is logged and the served one kept; it is
 * tried again as soon as the files change again.
 */
final class CertificateReloader {
    private static final Logger log = LoggerFactory.getLogger(CertificateReloader.class);
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    private final ServerCertificate certificate;
    private final SslContextFactory.Server tls;
    private ScheduledExecutorService watcher;
    private String lastSeen;

    CertificateReloader(ServerCertificate certificate, SslContextFactory.Server tls, String loadedDigest) {
        this.certificate = certificate;
        this.tls = tls;
        this.lastSeen = loadedDigest;
    }

    void start() {
        watcher = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "facet-tls-reload");
            thread.setDaemon(true);
            return thread;
        });
        watcher.scheduleWithFixedDelay(this::check, CHECK_INTERVAL.toMillis(), CHECK_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    private void check() {
        String digest = certificate.contentDigest();
        if (digest.equals(lastSeen)) {
            return;
        }
        lastSeen = digest;
        try {
            ServerCertificate.Loaded loaded = certificate.load();
            tls.reload(factory -> factory.setKeyStore(loaded.keyStore()));
            log.info("serving the renewed certificate from {} (SHA-256 {}, {})", certificate.certificateFile(),
                    loaded.fingerprint(), loaded.certificate().getSubjectX500Principal());
        } catch (TlsFileUnusable e) {
            log.warn("keeping the certificate served until now: {}", e.getMessage());
        } catch (Exception e) {
            log.warn("keeping the certificate served until now: reloading {} failed", certificate.certificateFile(), e);
        }
    }
}
