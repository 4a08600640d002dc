package dev.facet.web;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.facet.core.access.Authenticator;
import dev.facet.core.identity.RequestTokens;
import dev.facet.git.AuthorizedRepositoryResolver;
import dev.facet.git.ClonePackCache;
import dev.facet.git.HostedReceivePackFactory;
import dev.facet.git.HostedUploadPackFactory;
import dev.facet.git.RefChangeListener;
import dev.facet.git.RepositoryStore;
import dev.facet.primary.MirrorRegistry;
import dev.facet.primary.PermissionService;
import dev.facet.primary.ProjectService;
import dev.facet.primary.UserService;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jgit.http.server.GitServlet;

/** The primary's HTTP server: REST API, Git smart HTTP at {@code /scm/*}, status and metrics, in one Jetty. */
public final class PrimaryWebServer {
    private static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final WebSettings settings;
    private final Javalin app;

    public PrimaryWebServer(WebSettings settings, ProjectService projects, PermissionService permissions,
                            UserService users, Authenticator authenticator, MirrorRegistry mirrors,
                            RequestTokens requestTokens, String publicKey, RepositoryStore repositories,
                            ClonePackCache clonePackCache, RefChangeListener refChangeListener, FacetMetrics metrics) {
        this.settings = settings;
        RequestAuthentication authentication = new RequestAuthentication(authenticator);

        GitServlet git = new GitServlet();
        git.setRepositoryResolver(new AuthorizedRepositoryResolver(repositories));
        git.setUploadPackFactory(new HostedUploadPackFactory(metrics));
        git.setReceivePackFactory(new HostedReceivePackFactory(repositories, refChangeListener, metrics));
        GitAccessFilter gitAccess = new GitAccessFilter(new LocalGitAuthorizer(authentication, permissions));

        ObjectMapper json = new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
        PrimaryRoutes routes = new PrimaryRoutes(projects, permissions, users, authentication, metrics, this::baseUrl,
                json);
        MirroringRoutes mirroring = new MirroringRoutes(mirrors, requestTokens, json, publicKey);

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
                handler.addFilter(new FilterHolder(gitAccess), "/scm/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(clonePackCache), "/scm/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addServlet(new ServletHolder(git), "/scm/*");
            });
            routes.register(config.routes);
            mirroring.register(config.routes);
            ErrorMapping.register(config.routes);
        });
    }

    public void start() {
        app.start();
    }

    /** Stops accepting requests, lets running ones finish for a few seconds, then closes. */
    public void stop() {
        app.stop();
    }

    public int port() {
        return app.port();
    }

    public String baseUrl() {
        String configured = settings.baseUrl();
        return configured != null ? configured : "http://localhost:" + port();
    }
}
