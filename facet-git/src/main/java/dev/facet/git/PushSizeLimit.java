package dev.facet.git;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Refuses push bodies larger than the limit where the pack is not unpacked here but passed on (a
 * mirror forwarding to its primary): a body that declares a larger length is answered 413 before
 * a byte is read, and one that streams past the limit is cut off and answered 413 in place of
 * whatever the next filter would have said about the broken stream.
 */
public final class PushSizeLimit implements Filter {
    private final long maxPushBytes;

    public PushSizeLimit(long maxPushBytes) {
        if (maxPushBytes <= 0) {
            throw new IllegalArgumentException("The push size limit must be positive");
        }
        this.maxPushBytes = maxPushBytes;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        if (!GitHttpEndpoint.isServiceCall(request, GitHttpEndpoint.Service.RECEIVE_PACK)) {
            chain.doFilter(request, response);
            return;
        }
        if (request.getContentLengthLong() > maxPushBytes) {
            response.sendError(413, refusal());
            return;
        }
        AtomicBoolean tooLarge = new AtomicBoolean();
        HttpServletRequest counted = new WatchedRequest(request, body -> new CountedBody(body, tooLarge));
        chain.doFilter(counted, new HttpServletResponseWrapper(response) {
            @Override
            public void sendError(int status, String message) throws IOException {
                super.sendError(tooLarge.get() ? 413 : status, tooLarge.get() ? refusal() : message);
            }

            @Override
            public void sendError(int status) throws IOException {
                sendError(status, null);
            }
        });
    }

    private String refusal() {
        return "The push is larger than this server accepts (facet.git.max-push-bytes = " + maxPushBytes + " bytes).";
    }

    /** The request body, failing once more than the limit has been read from it. */
    private final class CountedBody extends WatchedBody {
        private final AtomicBoolean tooLarge;
        private long read;

        CountedBody(ServletInputStream body, AtomicBoolean tooLarge) {
            super(body);
            this.tooLarge = tooLarge;
        }

        @Override
        protected void afterRead(int bytes, long nanos) throws IOException {
            read += bytes;
            if (read > maxPushBytes) {
                tooLarge.set(true);
                throw new IOException(refusal());
            }
        }
    }
}
