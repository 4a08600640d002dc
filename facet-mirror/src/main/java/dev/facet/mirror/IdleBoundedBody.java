package dev.facet.mirror;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP answer's body read as a stream that gives up when no byte arrives for {@code idle}: the JDK's
 * own stream waits for ever on a server that stops sending mid-body. One chunk is asked for at a time,
 * so at most one waits in memory. Closing the stream cancels the exchange.
 */
final class IdleBoundedBody implements HttpResponse.BodySubscriber<InputStream> {
    /** Thrown by a read that waited {@code idle} for the next byte. */
    static final class Idle extends IOException {
        private static final long serialVersionUID = 1L;

        Idle(Duration idle) {
            super("no bytes arrived for " + idle.toSeconds() + " s");
        }
    }

    /** Queued after the last chunk; its own object, since an empty chunk ({@code List.of()}) may arrive too. */
    private static final Object END = new Object();

    private final Duration idle;
    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private final Stream stream = new Stream();
    private volatile Flow.Subscription subscription;
    private volatile boolean wentIdle;

    IdleBoundedBody(Duration idle) {
        this.idle = idle;
    }

    /** Whether a read gave up waiting: the server stalled, rather than broke off. */
    boolean wentIdle() {
        return wentIdle;
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(stream);
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        arrived.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        arrived.add(throwable);
    }

    @Override
    public void onComplete() {
        arrived.add(END);
    }

    private final class Stream extends InputStream {
        private Iterator<ByteBuffer> chunk = List.<ByteBuffer>of().iterator();
        private ByteBuffer current = ByteBuffer.allocate(0);
        private boolean ended;
        private boolean closed;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (closed) {
                throw new IOException("closed");
            }
            if (length == 0) {
                return 0;
            }
            while (!current.hasRemaining()) {
                if (chunk.hasNext()) {
                    current = chunk.next();
                } else if (ended || !next()) {
                    return -1;
                }
            }
            int n = Math.min(length, current.remaining());
            current.get(buffer, offset, n);
            return n;
        }

        /** Waits for the next chunk; false at the end of the body. */
        @SuppressWarnings("unchecked")
        private boolean next() throws IOException {
            Object item;
            try {
                item = arrived.poll(idle.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the body", e);
            }
            if (item == null) {
                wentIdle = true;
                close();
                throw new Idle(idle);
            }
            if (item instanceof Throwable failure) {
                ended = true;
                throw failure instanceof IOException io ? io : new IOException(failure);
            }
            if (item == END) {
                ended = true;
                return false;
            }
            chunk = ((List<ByteBuffer>) item).iterator();
            subscription.request(1);
            return true;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                Flow.Subscription s = subscription;
                if (s != null && !ended) {
                    s.cancel();
                }
            }
        }
    }
}
