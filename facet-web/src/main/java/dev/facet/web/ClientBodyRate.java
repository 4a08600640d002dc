package dev.facet.web;

import dev.facet.git.WatchedBody;
import dev.facet.git.WatchedRequest;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.BadMessageException;

/**
 * Cuts off a client that sends its request body slower than {@code facet.http.min-request-bytes-per-second}, so that
 * trickled bodies cannot hold the server's threads. Only the time the server spends waiting for the client inside a
 * read counts: Jetty's own check divides by the time since the request's first byte, so a small body that a busy
 * server came to read late (a thread free only after 100 ms, a pause of its own between reads) was refused with 408
 * though the client had sent it at once. The first {@link #GRACE_MILLIS} of waiting are free, as a connection's
 * first round trips are slow on a long path.
 */
final class ClientBodyRate implements Filter {
    static final long GRACE_MILLIS = 1_000;

    private final long minBytesPerSecond;

    ClientBodyRate(long minBytesPerSecond) {
        if (minBytesPerSecond <= 0) {
            throw new IllegalArgumentException("A minimum body rate is positive: " + minBytesPerSecond);
        }
        this.minBytesPerSecond = minBytesPerSecond;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        boolean hasBody = http.getContentLengthLong() > 0 || http.getHeader("Transfer-Encoding") != null;
        chain.doFilter(hasBody ? new WatchedRequest(http, body -> new Counted(body, minBytesPerSecond)) : request,
                response);
    }

    private static final class Counted extends WatchedBody {
        private final long minBytesPerSecond;
        private long bytes;
        private long waitedNanos;

        Counted(ServletInputStream body, long minBytesPerSecond) {
            super(body);
            this.minBytesPerSecond = minBytesPerSecond;
        }

        @Override
        protected void afterRead(int read, long nanos) {
            waitedNanos += nanos;
            bytes += read;
            long waitedMillis = TimeUnit.NANOSECONDS.toMillis(waitedNanos);
            if (waitedMillis > GRACE_MILLIS && bytes * 1000 < minBytesPerSecond * (waitedMillis - GRACE_MILLIS)) {
                throw new BadMessageException(408, "Request content data rate < " + minBytesPerSecond + " B/s");
            }
        }
    }
}
