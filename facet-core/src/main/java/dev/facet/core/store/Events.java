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

    /** Events of one type about one repository with a sequence greater than {@code sequence}, oldest first. */
    List<Event> ofRepository(long repositoryId, EventType type, long sequence, int limit);

    EventChain.Link head();

    /** The oldest event still kept, or the head's next sequence when none is; older ones were purged. */
    long oldestRetained();

    /**
     * Removes the events created before {@code cutoff}. The head (sequence and hash) stays where it
     * is, so the next event still continues the chain.
     */
    int deleteCreatedBefore(Instant cutoff);
}
