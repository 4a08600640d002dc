package dev.facet.web;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Reads a small Git request body (a declared length of at most {@link #MAX_BYTES}) whole before Git
 * sees it, and hands Git those bytes. Git reads a body in parts and works in between (a push reads
 * its commands, then the refs, then the pack), and the minimum request data rate
 * ({@code facet.http.min-request-bytes-per-second}) is checked on every read against the time since
 * the first one: on a busy server a one-commit push of a few hundred bytes was refused with 408 for
 * the server's own pauses. Read at once, the body is timed only while the client sends it, so a
 * client that trickles it is still cut off. A larger body streams as it arrives (its size covers
 * the server's pauses); a chunked one has no length to go by and streams too.
 */
final class SmallGitBodies implements Filter {
    static final int MAX_BYTES = 64 * 1024;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        long length = http.getContentLengthLong();
        if (length <= 0 || length > MAX_BYTES) {
            chain.doFilter(request, response);
            return;
        }
        // A body that ends early reaches Git short, as it would have without this filter.
        byte[] body = http.getInputStream().readNBytes((int) length);
        chain.doFilter(new WholeBody(http, body), response);
    }

    /** The request with its body already read, read again by the filters and servlet behind. */
    static final class WholeBody extends HttpServletRequestWrapper {
        private final byte[] body;

        WholeBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream bytes = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return bytes.read();
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    return bytes.read(buffer, offset, length);
                }

                @Override
                public boolean isFinished() {
                    return bytes.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    try {
                        listener.onDataAvailable();
                        listener.onAllDataRead();
                    } catch (IOException e) {
                        listener.onError(e);
                    }
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }
}
