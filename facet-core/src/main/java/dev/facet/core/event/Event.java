package dev.facet.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the primary's event outbox. Sequences are dense and start at 1; each event
 * carries the hash of the one before it, so whoever reads the stream can tell a gap, a rewind or
 * a fork from the history it already saw.
 *
 * @param repositoryId the repository the event is about, or null for instance-wide events
 * @param payload      the event's details as a JSON object
 */
public record Event(long sequence, EventType type, Long repositoryId, String payload, Instant createdAt,
                    String previousHash, String hash) {
    public Event {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(hash, "hash");
    }

    /** Whether this event's own hash matches its content and chains onto {@code previous}. */
    public boolean follows(EventChain.Link previous) {
        return sequence == previous.sequence() + 1
                && previousHash.equals(previous.hash())
                && hash.equals(EventChain.hash(previousHash, sequence, type, repositoryId, payload, createdAt));
    }

    public EventChain.Link link() {
        return new EventChain.Link(sequence, hash);
    }
}
