package dev.facet.core.event;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/** Wakes the readers of this process only: enough where no other process writes to the database (H2). */
public final class InProcessEventSignal implements EventSignal {
    private final AtomicReference<CompletableFuture<Void>> next = new AtomicReference<>(new CompletableFuture<>());
    private volatile boolean closed;

    @Override
    public CompletableFuture<Void> next() {
        return next.get();
    }

    @Override
    public void fire() {
        next.getAndSet(new CompletableFuture<>()).complete(null);
    }

    @Override
    public void close() {
        closed = true;
        fire();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }
}
