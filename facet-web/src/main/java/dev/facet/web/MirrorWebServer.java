package dev.facet.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.git.AuthorizedRepositoryResolver;
import dev.facet.git.ClonePackCache;
import dev.facet.git.PushSizeLimit;
import dev.facet.git.HostedUploadPackFactory;
import dev.facet.git.UploadPackErrors;
import dev.facet.git.RepositoryStore;
import dev.facet.mirror.MirrorNode;
import dev.facet.mirror.MirrorStatus;
import io.javalin.config.RoutesConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;
import java.util.Optional;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.transport.resolver.ServiceNotEnabledException;

/**
 * A mirror's HTTP server: Git reads served from its own disk, pushes forwarded to the primary,
 * and the status endpoints load balancers and admins read. Nothing here lets another server
 * change the mirror's state.
 */
public final class MirrorWebServer {
    private static final String API = "/rest/mirroring/latest";
    /** Reconnect needs no login (nothing happens until an admin accepts), so it is rate-limited instead. */
    static final Duration RECONNECT_INTERVAL = Duration.ofSeconds(10);
    private final AtomicReference<Instant> lastReconnect = new AtomicReference<>();

    private final HttpServer server;

    /** Why a reconnect was not done, as an HTTP status and words. */
    record Refusal(int status, String message) {
    }

    /** The mirror's view of its upstream, as {@code GET upstreamServer} shows it. */
    record UpstreamServerJson(String id, String baseUrl, String state, String requestId, String pinnedInstanceId,
                              String reviewUrl, List<AlertJson> alerts) {
        static UpstreamServerJson of(UpstreamLink link, List<UpstreamAlert> alerts) {
            boolean installed = link.state() == UpstreamState.INSTALLED;
            return new UpstreamServerJson(link.upstreamInstanceId(), link.upstreamUrl(), link.state().name(),
                    link.requestId(), installed ? link.upstreamInstanceId() : null,
                    link.requestId() == null ? null : link.upstreamUrl() + "/admin/mirrors?request=" + link.requestId(),
                    alerts.stream().map(AlertJson::of).toList());
        }
    }

    /** An open alert as the mirror shows it, with the step that resolves it. */
    record AlertJson(String kind, long raisedDate, String details, String resolution) {
        static AlertJson of(UpstreamAlert alert) {
            return new AlertJson(alert.kind().name(), alert.raisedAt().toEpochMilli(), alert.details(),
                    "Check the upstream; if it is right as it is now, accept it: facet mirror accept-upstream --home DIR, "
                            + "or POST /rest/mirroring/latest/upstreamServer/accept-upstream as an administrator.");
        }
    }

    /** What {@code /status} answers: the sync state, and the open alerts if any. */
    record StatusJson(String state, List<AlertJson> alerts) {
    }

    public MirrorWebServer(WebSettings settings, MirrorNode node, RepositoryStore repositories,
                           ClonePackCache clonePackCache, long maxPushBytes, FacetMetrics metrics,
                           MirrorMetrics mirrorMetrics) {
        GitServlet git = new GitServlet();
        git.setRepositoryResolver(new AuthorizedRepositoryResolver(repositories));
        git.setUploadPackFactory(new HostedUploadPackFactory(metrics));
        git.setUploadPackErrorHandler(new UploadPackErrors());
        git.setReceivePackFactory((request, repository) -> {
            throw new ServiceNotEnabledException("Pushes to a mirror are forwarded to the primary.");
        });
        ObjectMapper json = new ObjectMapper();
        mirrorMetrics.watchAlerts(() -> node.guard().open().size());

        this.server = new HttpServer(settings, json, metrics,
                List.of(new PushSizeLimit(maxPushBytes), node.pushForwarder(), new GitAccessFilter(node.authorizer()), clonePackCache), git,
                routes -> register(routes, node, metrics, mirrorMetrics, settings.isHttps()));
    }

    /** Sends a new authorization request unless one was sent moments ago or the mirror is installed. */
    private Optional<Refusal> reconnect(MirrorNode node, String actor) {
        Instant now = Instant.now();
        Instant last = lastReconnect.get();
        if (last != null && last.plus(RECONNECT_INTERVAL).isAfter(now) || !lastReconnect.compareAndSet(last, now)) {
            return Optional.of(new Refusal(429, "A reconnect was asked for moments ago; try again in "
                    + RECONNECT_INTERVAL.toSeconds() + " s."));
        }
        try {
            node.reconnect(actor);
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(new Refusal(409, e.getMessage()));
        }
    }

    private void register(RoutesConfig routes, MirrorNode node, FacetMetrics metrics, MirrorMetrics mirrorMetrics,
                          boolean https) {
        CrossSiteRequests.register(routes);
        MirrorStatus status = node.status();
        routes.get("/status", ctx -> {
            String state = status.progress().state();
            ctx.status("SYNCHRONIZED".equals(state) ? 200 : 503).json(new StatusJson(state,
                    node.guard().open().stream().map(AlertJson::of).toList()));
        });
        routes.get(API + "/upstreamServer", ctx -> ctx.json(UpstreamServerJson.of(status.link(), node.guard().open())));
        routes.get(API + "/progress", ctx -> ctx.json(status.progress()));
        routes.post(API + "/upstreamServer/reconnect", ctx -> {
            Optional<Refusal> refused = reconnect(node, "reconnect from " + ctx.ip());
            if (refused.isPresent()) {
                if (refused.get().status() == 429) {
                    ctx.header("Retry-After", Long.toString(RECONNECT_INTERVAL.toSeconds()));
                }
                ErrorMapping.respond(ctx, refused.get().status(), refused.get().message(),
                        refused.get().status() == 429 ? null : "state",
                        refused.get().status() == 429 ? "TooManyRequests" : "Conflict");
                return;
            }
            ctx.status(202).json(UpstreamServerJson.of(status.link(), node.guard().open()));
        });
        new MirrorPages(node, actor -> reconnect(node, actor), https).register(routes);
        routes.post(API + "/upstreamServer/accept-upstream", ctx -> {
            String admin = node.authorizer().requireUpstreamAdmin(ctx.header("Authorization"));
            node.acceptUpstream(admin + " (REST)");
            ctx.json(UpstreamServerJson.of(status.link(), node.guard().open()));
        });
        routes.get(API + "/audit", ctx -> {
            node.authorizer().requireUpstreamAdmin(ctx.header("Authorization"));
            ctx.json(node.audit(intParam(ctx, "start", 0), Math.min(1000, Math.max(1, intParam(ctx, "limit", 25))))
                    .stream().map(MirroringJson.AuditJson::of).toList());
        });
        routes.get("/metrics", ctx -> {
            mirrorMetrics.showLags(status.progress().worstLags());
            ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
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
        server.start();
    }

    public void stop() {
        server.stop();
    }

    public int port() {
        return server.port();
    }

    public String baseUrl() {
        return server.baseUrl();
    }
}
