package dev.facet.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.json.JavalinJackson;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jgit.http.server.GitServlet;

/**
 * The Jetty and Javalin set-up every Facet server shares: where it listens, request limits,
 * JSON, the error mapping, request metrics, and the Git servlet at {@code /scm/*} behind the
 * filters a role passes in, in their order.
 */
final class HttpServer {
    private static final long STOP_TIMEOUT_MILLIS = 5_000;

    private final WebSettings settings;
    private final Javalin app;

    HttpServer(WebSettings settings, ObjectMapper json, FacetMetrics metrics, List<Filter> gitFilters, GitServlet git,
               Consumer<RoutesConfig> routes) {
        this.settings = settings;
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
                handler.addFilter(new FilterHolder(new UncaughtFailures()), "/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(new SecurityHeaders()), "/*", EnumSet.of(DispatcherType.REQUEST));
                handler.addFilter(new FilterHolder(new MalformedRequests()), "/*", EnumSet.of(DispatcherType.REQUEST));
                for (Filter filter : gitFilters) {
                    handler.addFilter(new FilterHolder(filter), "/scm/*", EnumSet.of(DispatcherType.REQUEST));
                }
                handler.addServlet(new ServletHolder(git), "/scm/*");
            });
            routes.accept(config.routes);
            ErrorMapping.register(config.routes);
        });
    }

    void start() {
        app.start();
    }

    /** Stops accepting requests, lets running ones finish for a few seconds, then closes. */
    void stop() {
        app.stop();
    }

    int port() {
        return app.port();
    }

    String baseUrl() {
        return settings.baseUrl() != null ? settings.baseUrl() : "http://localhost:" + port();
    }
}
