package dev.facet.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Lets at most so many Git requests run at once, and one client address at most a quarter of
 * them; one more is answered 503 at once rather than queued, since a queued request would hold a
 * thread while it waited. The rest of the server's threads stay free for {@code /status}, REST and
 * pages, however slow Git clients are, and a client needs several addresses before it can keep
 * every other client's Git requests waiting.
 */
final class GitRequestLimit implements Filter {
    static final int RETRY_AFTER_SECONDS = 5;
    /** One client address may hold at most this fraction (1/n) of the Git requests served at once. */
    static final int ADDRESS_SHARE = 4;
    private final Semaphore permits;
    private final int limit;
    private final int perAddress;
    private final Map<String, Integer> running = new ConcurrentHashMap<>();

    GitRequestLimit(int limit) {
        this.limit = limit;
        this.perAddress = Math.max(1, limit / ADDRESS_SHARE);
        this.permits = new Semaphore(limit);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String address = String.valueOf(request.getRemoteAddr());
        if (!takeAddressSlot(address)) {
            busy(response, "This address is running " + perAddress + " Git requests, its share of the "
                    + limit + " served at once (facet.http.max-concurrent-git-requests); try again in a few seconds.");
            return;
        }
        try {
            if (!permits.tryAcquire()) {
                busy(response, "The server is serving " + limit + " Git requests, the most it serves at once "
                        + "(facet.http.max-concurrent-git-requests); try again in a few seconds.");
                return;
            }
            try {
                chain.doFilter(request, response);
            } finally {
                permits.release();
            }
        } finally {
            running.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
        }
    }

    private boolean takeAddressSlot(String address) {
        boolean[] taken = new boolean[1];
        running.compute(address, (key, count) -> {
            int current = count == null ? 0 : count;
            taken[0] = current < perAddress;
            return taken[0] ? current + 1 : current == 0 ? null : current;
        });
        return taken[0];
    }

    private static void busy(ServletResponse response, String message) throws IOException {
        HttpServletResponse http = (HttpServletResponse) response;
        http.setStatus(503);
        http.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
        http.setContentType("text/plain; charset=utf-8");
        http.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
