package dev.facet.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.git.AuthorizedRepositoryResolver;
import dev.facet.git.ClonePackCache;
import dev.facet.git.HostedUploadPackFactory;
import dev.facet.git.RepositoryStore;
import dev.facet.mirror.MirrorNode;
import dev.facet.mirror.MirrorStatus;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;

/**
 * A mirror's HTTP server: Git reads served from its own disk, pushes forwarded to the primary,
 * and the status endpoints load balancers and admins read. Nothing here lets another server
 * change the mirror's state.
 */
public final class MirrorWebServer {
    private static final long STOP_TIMEOUT_MILLIS = 5_000;
    private static final String API = "/rest/mirroring/latest";
    /** Reconnect needs no login (nothing happens until an admin accepts), so it is rate-limited instead. */
    static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(10);
    private final AtomicReference<Instant> lastReconnect = new AtomicReference<>();

    private final WebSettings settings;
    private final Javalin app;

    /** The mirror's view of its upstream, as {@code GET upstreamServer} shows it. */
    record UpstreamServerJson(String id, String baseUrl, String state, String requestId, String pinnedInstanceId,
                              String reviewUrl, List<String> alerts) {
        static UpstreamServerJson of(UpstreamLink link) {
            boolean installed = link.state() == UpstreamState.INSTALLED;
            return new UpstreamServerJson(link.upstreamInstanceId(), link.upstreamUrl(), link.state().name(),
                    link.requestId(), installed ? link.upstreamInstanceId() : null,
                    link.requestId() == null ? null : link.upstreamUrl() + "/admin/mirrors?request=" + link.requestId(),
                    List.of());
        }
    }

    public MirrorWebServer(WebSettings settings, MirrorNode node, RepositoryStore repositories,
                           ClonePackCache clonePackCache, FacetMetrics metrics, MirrorMetrics mirrorMetrics) {
        this.settings = settings;
        GitServlet git = new GitServlet();
        git.setRepositoryResolver(new AuthorizedRepositoryResolver(repositories));
        git.setUploadPackFactory(new HostedUploadPackFactory(metrics));
        git.setReceivePackFactory((request, repository) -> {
            throw new ServiceNotEnabledException("Pushes to a mirror are forwarded to the primary.");
        });
        GitAccessFilter gitAccess = new GitAccessFilter(node.authorizer());
        MirrorStatus status = node.status();
        ObjectMapper json = new ObjectMapper();

        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.http.maxRequestSize = settings.maxRequestBytes();
            config.http.prefer405over404 = true;
            config.jsonMapper(new JavalinJackson(json, false));
            config.jetty.modifyServer(server -> server.setStopTimeout(STOP_TIMEOUT_MILLIS));
            config.jetty.modifyServletContextHandler(handler -> {
                handler.addFilter(new FilterHolder(metrics.requestCounter()), "/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(node.pushForwarder()), "/scm/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(gitAccess), "/scm/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(clonePackCache), "/scm/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addServlet(new ServletHolder(git), "/scm/*");
            });
            config.routes.get("/status", ctx -> {
                String state = status.progress().state();
                ctx.status("SYNCHRONIZED".equals(state) ? 200 : 503).json(new RestJson.Status(state));
            });
            config.routes.get(API + "/upstreamServer", ctx -> ctx.json(UpstreamServerJson.of(status.link())));
            config.routes.get(API + "/progress", ctx -> ctx.json(status.progress()));
            config.routes.post(API + "/upstreamServer/reconnect", ctx -> {
                Instant now = Instant.now();
                Instant last = lastReconnect.get();
                if (last != null && last.plus(RECONNECT_INTERVAL).isAfter(now) || !lastReconnect.compareAndSet(last, now)) {
                    ctx.header("Retry-After", Long.toString(RECONNECT_INTERVAL.toSeconds()));
                    ErrorMapping.respond(ctx, 429, "A reconnect was asked for moments ago; try again in "
                            + RECONNECT_INTERVAL.toSeconds() + " s.", null, "TooManyRequests");
                    return;
                }
                try {
                    node.reconnect("reconnect from " + ctx.ip());
                } catch (IllegalStateException e) {
                    ErrorMapping.respond(ctx, 409, e.getMessage(), "state", "Conflict");
                    return;
                }
                ctx.status(202).json(UpstreamServerJson.of(status.link()));
            });
            config.routes.get(API + "/audit", ctx -> {
                node.authorizer().requireUpstreamAdmin(ctx.header("Authorization"));
                ctx.json(node.audit(intParam(ctx, "start", 0), Math.min(1000, Math.max(1, intParam(ctx, "limit", 25))))
                        .stream().map(MirroringJson.AuditJson::of).toList());
            });
            config.routes.get("/metrics", ctx -> {
                mirrorMetrics.showLags(status.progress().worstLags());
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
            });
            ErrorMapping.register(config.routes);
        });
    }

    private static int intParam(io.javalin.http.Context ctx, String name, int fallback) {
        String raw = ctx.queryParam(name);
        try {
            return raw == null ? fallback : Math.max(0, Integer.parseInt(raw));
        } catch (NumberFormatException e) {
            throw new dev.facet.core.error.InvalidInput(name, "'" + name + "' must be a whole number.");
        }
    }

    public void start() {
        app.start();
    }

    public void stop() {
        app.stop();
    }

    public int port() {
        return app.port();
    }

    public String baseUrl() {
        return settings.baseUrl() != null ? settings.baseUrl() : "http://localhost:" + port();
    }
}
