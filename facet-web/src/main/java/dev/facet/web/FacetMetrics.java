package dev.facet.web;

import dev.facet.git.AdvertisedRefsCache;
import dev.facet.git.GitOperationObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/** The instance's Prometheus metrics: HTTP requests, Git operations, pushes, repositories. */
public final class FacetMetrics implements GitOperationObserver {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter clones;
    private final Counter fetches;
    private final Counter pushes;
    private final Counter pushedRefs;
    private final Counter bytesServed;

    public FacetMetrics(LongSupplier repositoryCount) {
        clones = gitOperations("clone");
        fetches = gitOperations("fetch");
        pushes = gitOperations("push");
        pushedRefs = Counter.builder("facet.git.pushed.refs").description("Refs moved by pushes").register(registry);
        bytesServed = Counter.builder("facet.git.upload.bytes").description("Pack bytes sent to clients")
                .baseUnit("bytes").register(registry);
        registry.gauge("facet.repositories", registry, r -> repositoryCount.getAsLong());
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
    }

    /**
     * Counts the ref advertisements Git reads served, by where their refs came from: read from disk
     * ({@code source="disk"}) or kept since the repository's refs last changed ({@code source="cache"}).
     */
    public void watchRefAdvertisements(AdvertisedRefsCache advertisedRefs) {
        refAdvertisements("disk", advertisedRefs, AdvertisedRefsCache::scans);
        refAdvertisements("cache", advertisedRefs, AdvertisedRefsCache::hits);
    }

    /** The counter holds {@code advertisedRefs} weakly, as Micrometer does: the instance's wiring keeps it. */
    private void refAdvertisements(String source, AdvertisedRefsCache advertisedRefs,
                                   ToLongFunction<AdvertisedRefsCache> count) {
        FunctionCounter.builder("facet.git.ref.advertisements", advertisedRefs, cache -> count.applyAsLong(cache))
                .description("Ref advertisements served to Git readers, by where the refs came from")
                .tag("source", source).register(registry);
    }

    private Counter gitOperations(String type) {
        return Counter.builder("facet.git.operations").description("Git operations served, by type")
                .tag("type", type).register(registry);
    }

    @Override
    public void onUpload(long repositoryId, boolean clone, long bytesSent) {
        (clone ? clones : fetches).increment();
        bytesServed.increment(bytesSent);
    }

    @Override
    public void onPush(long repositoryId, int refsUpdated) {
        pushes.increment();
        pushedRefs.increment(refsUpdated);
    }

    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH");

    /** Any other method a client invents is counted as OTHER, so a client cannot grow the metrics without bound. */
    private static String knownMethod(String method) {
        return METHODS.contains(method) ? method : "OTHER";
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    /** A servlet filter that counts every HTTP request by method and status class, Git and REST alike. */
    Filter requestCounter() {
        return new Filter() {
            @Override
            public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                    throws IOException, ServletException {
                try {
                    chain.doFilter(req, res);
                } finally {
                    int status = ((HttpServletResponse) res).getStatus();
                    Counter.builder("facet.http.requests").description("HTTP requests answered")
                            .tag("method", knownMethod(((HttpServletRequest) req).getMethod()))
                            .tag("status", (status / 100) + "xx")
                            .register(registry).increment();
                }
            }
        };
    }
}
