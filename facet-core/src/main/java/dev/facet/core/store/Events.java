package dev.facet.core.store;

import dev.facet.core.event.Event;
import dev.facet.core.event.EventChain;
import dev.facet.core.event.EventType;
import java.time.Instant;
import java.util.List;

/** The event outbox. */
public interface Events {
    /**
     * Appends an event after the current head, holding the head's lock until the transaction ends
     * so that sequences stay dense and the chain unbroken under concurrent writers.
     */
    Event append(EventType type, Long repositoryId, String payload, Instant createdAt);

    /** Events with a sequence greater than {@code sequence}, oldest first. */
    List<Event> after(long sequence, int limit);

    EventChain.Link head();
}
