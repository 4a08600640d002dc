package dev.facet.git;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;

/**
 * A request body that tells, after each blocking read, how many bytes it gave and how long the read waited for
 * them, so that a limit on the body (its size, its rate) can refuse it there and then. {@link WatchedRequest} puts
 * one around a request.
 */
public abstract class WatchedBody extends ServletInputStream {
    private final ServletInputStream body;

    protected WatchedBody(ServletInputStream body) {
        this.body = body;
    }

    /** Called after each read with the bytes it gave (0 at the end) and the nanoseconds it took. */
    protected abstract void afterRead(int bytes, long nanos) throws IOException;

    @Override
    public final int read() throws IOException {
        long started = System.nanoTime();
        int read = body.read();
        afterRead(read < 0 ? 0 : 1, System.nanoTime() - started);
        return read;
    }

    @Override
    public final int read(byte[] buffer, int offset, int length) throws IOException {
        long started = System.nanoTime();
        int read = body.read(buffer, offset, length);
        afterRead(Math.max(read, 0), System.nanoTime() - started);
        return read;
    }

    @Override
    public int available() throws IOException {
        return body.available();
    }

    @Override
    public boolean isFinished() {
        return body.isFinished();
    }

    @Override
    public boolean isReady() {
        return body.isReady();
    }

    /**
     * Refused: an asynchronous read returns at once and the wait happens between callbacks, where no limit here could
     * see it. Facet's servlets and routes read bodies with blocking reads only.
     */
    @Override
    public void setReadListener(ReadListener listener) {
        throw new IllegalStateException("Facet reads request bodies with blocking reads only, which it can time");
    }

    @Override
    public void close() throws IOException {
        body.close();
    }
}
