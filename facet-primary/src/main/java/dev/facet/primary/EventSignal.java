package dev.facet.primary;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** Wakes every waiting event-stream reader when new events have been committed. */
public final class EventSignal {
    private final AtomicReference<CompletableFuture<Void>> next = new AtomicReference<>(new CompletableFuture<>());
    private volatile boolean closed;

    /** Completes after the next commit that appended events. */
    public CompletableFuture<Void> next() {
        return next.get();
    }

    void fire() {
        next.getAndSet(new CompletableFuture<>()).complete(null);
    }

    /** Wakes every waiting reader and answers later ones at once: the primary is stopping. */
    public void close() {
        closed = true;
        fire();
    }

    public boolean isClosed() {
        return closed;
    }
}
