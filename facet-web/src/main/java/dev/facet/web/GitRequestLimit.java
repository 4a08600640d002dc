package dev.facet.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Semaphore;

/**
 * Lets at most so many Git requests run at once; one more is answered 503 at once rather than
 * queued, since a queued request would hold a thread while it waited. The rest of the server's
 * threads stay free for {@code /status}, REST and pages, however slow Git clients are.
 */
final class GitRequestLimit implements Filter {
    static final int RETRY_AFTER_SECONDS = 5;
    private final Semaphore permits;
    private final int limit;

    GitRequestLimit(int limit) {
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!permits.tryAcquire()) {
            HttpServletResponse http = (HttpServletResponse) response;
            http.setStatus(503);
            http.setHeader("Retry-After", Integer.toString(RETRY_AFTER_SECONDS));
            http.setContentType("text/plain; charset=utf-8");
            http.getOutputStream().write(("The server is serving " + limit + " Git requests, the most it serves at once "
                    + "(facet.http.max-concurrent-git-requests); try again in a few seconds.\n")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            permits.release();
        }
    }
}
