package dev.facet.core.event;

import java.util.concurrent.CompletableFuture;

/**
 * Wakes the readers waiting for new events (mirrors' long-polls, webhook deliveries) once a transaction that
 * appended events has committed. Which processes it reaches is the implementation's: this process alone
 * ({@link InProcessEventSignal}), or every process on one database.
 */
public interface EventSignal {
    /** Completes after the next commit that appended events. */
    CompletableFuture<Void> next();

    /** Says that a transaction that appended events has just committed. */
    void fire();

    /** Wakes every waiting reader and answers later ones at once: the instance is stopping. */
    void close();

    boolean isClosed();
}
