package dev.facet.core.mirror.protocol;

import dev.facet.core.event.Event;
import dev.facet.core.event.EventType;
import java.time.Instant;

/** One outbox event on the wire; {@code payload} is the event's JSON object as it is, so its hash can be checked. */
public record StreamedEvent(long sequence, EventType type, Long repositoryId, String payload, long createdAt,
                            String previousHash, String hash) {
    public static StreamedEvent of(Event event) {
        return new StreamedEvent(event.sequence(), event.type(), event.repositoryId(), event.payload(),
                event.createdAt().toEpochMilli(), event.previousHash(), event.hash());
    }

    public Event toEvent() {
        return new Event(sequence, type, repositoryId, payload, Instant.ofEpochMilli(createdAt), previousHash, hash);
    }

}
