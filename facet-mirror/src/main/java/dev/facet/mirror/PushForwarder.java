package dev.facet.mirror;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.GitHttpEndpoint;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends pushes that reach the mirror on to the primary, byte for byte, once the access filter in
 * front of it has let them through, so the Git client sees the primary's own answer (permission
 * errors included). When a push succeeds the mirror syncs the repository before answering, so the
 * pusher reads their own write from the mirror, and tells {@link UpstreamChanges} (in a farm: every
 * node syncs it at once, so the next read sees it whichever node answers).
 */
public final class PushForwarder implements Filter {
    private static final Logger log = LoggerFactory.getLogger(PushForwarder.class);
    private static final Set<String> FORWARDED_REQUEST_HEADERS = Set.of("authorization", "content-type",
            "content-encoding", "accept", "accept-encoding", "git-protocol", "user-agent");
    private static final List<String> FORWARDED_RESPONSE_HEADERS = List.of("Content-Type", "Content-Encoding",
            "WWW-Authenticate", "Cache-Control", "Expires", "Pragma");
    static final Duration READ_YOUR_WRITES_BUDGET = Duration.ofSeconds(30);

    private final UpstreamSession upstream;
    private final MirrorStore store;
    private final SyncEngine sync;
    private final UpstreamChanges changes;
    private final HttpClient http;
    private final OffloadCounts offload;

    /**
     * Tells {@code changes} of every push forwarded, so that other nodes of a farm sync it too, and counts
     * what it passes on in {@code offload}.
     */
    public PushForwarder(UpstreamSession upstream, MirrorStore store, SyncEngine sync, UpstreamChanges changes,
                         OffloadCounts offload) {
        this.offload = offload;
        this.upstream = upstream;
        // Pushes go to the upstream the mirror's other calls go to, trusting the same certificates.
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .sslContext(upstream.client().trust().sslContext()).build();
        this.store = store;
        this.sync = sync;
        this.changes = changes;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        GitHttpEndpoint endpoint = GitHttpEndpoint.of(request).orElse(null);
        if (endpoint == null || !endpoint.isPush()) {
            chain.doFilter(request, response);
            return;
        }
        // The access filter in front has checked the names and WRITE with the primary, throttled by the
        // client's own address: a push that reaches this point is one the primary will judge again.
        String project = endpoint.project();
        String slug = endpoint.repository();
        // Only the canonical endpoint travels on: the primary sees the push as the push it is, and decides.
        String target = upstream.client().gitUrl(project, slug) + endpoint.pathAndQuery();
        HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofMinutes(30));
        for (String name : java.util.Collections.list(request.getHeaderNames())) {
            if (FORWARDED_REQUEST_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                forward.header(name, request.getHeader(name));
            }
        }
        java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
        forward.method(request.getMethod(), "POST".equals(request.getMethod())
                ? HttpRequest.BodyPublishers.ofInputStream(() -> {
                    try {
                        return new CountingInputStream(request.getInputStream(), sent::addAndGet);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                : HttpRequest.BodyPublishers.noBody());
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            log.warn("push to {}/{} could not be forwarded to {}: {}", project, slug, upstream.client().upstreamUrl(),
                    e.toString());
            response.sendError(502, "The primary at " + upstream.client().upstreamUrl() + " cannot be reached.");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.sendError(503, "Interrupted while forwarding the push.");
            return;
        }
        if ("POST".equals(request.getMethod())) {
            offload.onPushForwarded(sent.get() + answer.body().length);
        } else {
            offload.onForwarded(answer.body().length);
        }
        if (answer.statusCode() == 200 && "POST".equals(request.getMethod())) {
            awaitSync(project, slug);
        }
        response.setStatus(answer.statusCode());
        for (String name : FORWARDED_RESPONSE_HEADERS) {
            answer.headers().firstValue(name).ifPresent(value -> response.setHeader(name, value));
        }
        response.getOutputStream().write(answer.body());
    }

    /** Waits (within a budget) until the mirror serves what was just pushed. */
    private void awaitSync(String project, String slug) {
        MirroredRepository repository = store.inTransaction(tx -> tx.repositories()
                .find(project.toUpperCase(Locale.ROOT), slug.toLowerCase(Locale.ROOT))).orElse(null);
        if (repository != null) {
            awaitSync(repository);
        }
    }

    /**
     * Syncs {@code repository} after a push the primary took, and waits (within a budget) until this
     * mirror serves it; other nodes of a farm are told to sync it too. Pushes over SSH wait here as well.
     */
    public void awaitSync(MirroredRepository repository) {
        changes.syncNow(repository.id());
        try {
            sync.syncAndWait(repository.id()).get(READ_YOUR_WRITES_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("repository {} {}/{}: not synced within {} s of a forwarded push", repository.id(),
                    repository.projectKey().value(), repository.slug().value(), READ_YOUR_WRITES_BUDGET.toSeconds());
        } catch (ExecutionException e) {
            log.warn("repository {}: sync after a forwarded push failed", repository.id(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
