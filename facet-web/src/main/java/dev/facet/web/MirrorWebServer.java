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
import java.util.EnumSet;
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
            config.routes.get("/metrics", ctx -> {
                mirrorMetrics.showLags(status.progress().worstLags());
                ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape());
            });
            ErrorMapping.register(config.routes);
        });
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
