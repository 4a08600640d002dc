package dev.facet.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.json.JavalinJackson;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import dev.facet.core.tls.ServerCertificate;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jgit.http.server.GitServlet;

/**
 * The Jetty and Javalin set-up every Facet server shares: where it listens, over HTTP or HTTPS,
 * request limits and what one client may hold, JSON, the error mapping, request metrics, and the
 * Git servlet at {@code /scm/*} behind the filters a role passes in, in their order. Every REST path
 * answers under {@code latest} and {@code 1.0} alike ({@link RestVersionAliases}): routes are declared
 * under {@code latest} only.
 */
final class HttpServer {
    private static final long STOP_TIMEOUT_MILLIS = 5_000;
    /** TLS 1.2 and 1.3 only. */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    /** Forward-secret AEAD suites only: no RSA key exchange, no CBC, no SHA-1, no export or null suites. */
    static final String[] CIPHER_SUITES = {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"};

    private final WebSettings settings;
    private final Javalin app;
    private final Optional<CertificateReloader> reloader;

    /** A further Git servlet at {@code path} (a servlet mapping such as {@code /farm/scm/*}) behind its own filters. */
    record GitMount(String path, List<Filter> filters, GitServlet git) {
    }

    HttpServer(WebSettings settings, ObjectMapper json, FacetMetrics metrics, List<Filter> gitFilters, GitServlet git,
               Consumer<RoutesConfig> routes) {
        this(settings, json, metrics, gitFilters, git, List.of(), routes);
    }

    HttpServer(WebSettings settings, ObjectMapper json, FacetMetrics metrics, List<Filter> gitFilters, GitServlet git,
               List<GitMount> otherGitMounts, Consumer<RoutesConfig> routes) {
        this.settings = settings;
        // The digest is taken before the files are read, so that a change in between is seen as one.
        Optional<String> servedDigest = settings.tls().map(ServerCertificate::contentDigest);
        Optional<SslContextFactory.Server> tls = settings.tls().map(HttpServer::tlsContext);
        this.reloader = settings.tls().map(certificate -> new CertificateReloader(certificate, tls.get(),
                servedDigest.get()));
        HttpLimits limits = settings.limits();
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.modifyHttpConfiguration(http -> {
                // Form fields are read by the routes from the body, through ClientBodyRate; Jetty's own form parsing
                // (a servlet's getParameter on a POST) would read it from the connection, untimed.
                http.setFormEncodedMethods(Set.of());
                http.setMinRequestDataRate(limits.jettyMinRequestBytesPerSecond());
                if (!limits.trustedProxies().isEmpty()) {
                    http.addCustomizer(new ForwardedClients(limits.trustedProxies()));
                }
            });
            config.jetty.addConnector((server, http) -> connector(server, http, tls));
            config.http.maxRequestSize = settings.maxRequestBytes();
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson(json, false));
            config.jetty.modifyServer(server -> server.setStopTimeout(STOP_TIMEOUT_MILLIS));
            config.jetty.modifyServletContextHandler(handler -> {
                if (limits.minRequestBytesPerSecond() > 0) {
                    handler.addFilter(new FilterHolder(new ClientBodyRate(limits.minRequestBytesPerSecond())), "/*",
                            EnumSet.of(DispatcherType.REQUEST));
                }
                handler.addFilter(new FilterHolder(metrics.requestCounter()), "/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(new UncaughtFailures()), "/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(new SecurityHeaders()), "/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(new MalformedRequests()), "/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(new RestVersionAliases()), "/rest/*",
                        EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(new GitRequestLimit(limits.maxConcurrentGitRequests())), "/scm/*",
                        EnumSet.of(DispatcherType.REQUEST));
                for (Filter filter : gitFilters) {
                    handler.addFilter(new FilterHolder(filter), "/scm/*", EnumSet.of(DispatcherType.REQUEST));
                }
                handler.addServlet(new ServletHolder(git), "/scm/*");
                for (GitMount mount : otherGitMounts) {
                    handler.addFilter(new FilterHolder(new GitRequestLimit(limits.maxConcurrentGitRequests())),
                            mount.path(), EnumSet.of(DispatcherType.REQUEST));
                    for (Filter filter : mount.filters()) {
                        handler.addFilter(new FilterHolder(filter), mount.path(), EnumSet.of(DispatcherType.REQUEST));
                    }
                    handler.addServlet(new ServletHolder(mount.git()), mount.path());
                }
            });
            routes.accept(config.routes);
            ErrorMapping.register(config.routes);
        });
    }

    /** The one listener: plain HTTP, or HTTPS with the certificate; either way capped per client address. */
    private ServerConnector connector(Server server, HttpConfiguration http, Optional<SslContextFactory.Server> tls) {
        ServerConnector connector;
        if (tls.isPresent()) {
            HttpConfiguration https = new HttpConfiguration(http);
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // Clients check the host name against the certificate; a request by IP address sends no SNI at all.
            secure.setSniHostCheck(false);
            https.addCustomizer(secure);
            connector = new ServerConnector(server, new SslConnectionFactory(tls.get(), "http/1.1"),
                    new HttpConnectionFactory(https));
        } else {
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(settings.host());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.limits().idleTimeout().toMillis());
        connector.addEventListener(new ConnectionsPerAddress(settings.limits().maxConnectionsPerAddress(),
                settings.limits().trustedProxies()));
        return connector;
    }

    private static SslContextFactory.Server tlsContext(ServerCertificate certificate) {
        ServerCertificate.Loaded loaded = certificate.load();
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(loaded.keyStore());
        tls.setKeyStorePassword(ServerCertificate.KEY_STORE_PASSWORD);
        tls.setKeyManagerPassword(ServerCertificate.KEY_STORE_PASSWORD);
        tls.setIncludeProtocols(PROTOCOLS);
        tls.setIncludeCipherSuites(CIPHER_SUITES);
        tls.setRenegotiationAllowed(false);
        return tls;
    }

    void start() {
        app.start();
        reloader.ifPresent(CertificateReloader::start);
    }

    /** Stops accepting requests, lets running ones finish for a few seconds, then closes. */
    void stop() {
        reloader.ifPresent(CertificateReloader::stop);
        app.stop();
    }

    int port() {
        return app.port();
    }

    String baseUrl() {
        return settings.baseUrl() != null ? settings.baseUrl()
                : (settings.tls().isPresent() ? "https" : "http") + "://localhost:" + port();
    }
}
