package dev.facet.core.mirror.protocol;

import dev.facet.core.event.Event;
import dev.facet.core.event.EventChain;
import dev.facet.core.event.EventType;
import java.time.Instant;

/**
 * One outbox event on the wire; {@code payload} is the event's JSON object as it is, so its hash
 * can be checked. An event the receiving mirror may not read (it is about a project the mirror
 * does not carry) travels <em>withheld</em>: only its sequence, previous hash and hash, so the
 * mirror's position still advances and the chain still links, and nothing it says is shown.
 */
public record StreamedEvent(long sequence, EventType type, Long repositoryId, String payload, long createdAt,
                            String previousHash, String hash) {
    public static StreamedEvent of(Event event) {
        return new StreamedEvent(event.sequence(), event.type(), event.repositoryId(), event.payload(),
                event.createdAt().toEpochMilli(), event.previousHash(), event.hash());
    }

    /** The event's place in the chain, and nothing of what it says. */
    public static StreamedEvent withheld(Event event) {
        return new StreamedEvent(event.sequence(), null, null, null, 0, event.previousHash(), event.hash());
    }

    public boolean isWithheld() {
        return type == null;
    }

    /**
     * Whether this event continues the chain at {@code previous}: for a full event, its own hash
     * must match its content too; a withheld one can only be linked, and its hash is checked when
     * the next event (or the next head) names it.
     */
    public boolean follows(EventChain.Link previous) {
        if (isWithheld()) {
            return sequence == previous.sequence() + 1 && previous.hash().equals(previousHash) && hash != null
                    && hash.length() == EventChain.GENESIS_HASH.length();
        }
        return toEvent().follows(previous);
    }

    public EventChain.Link link() {
        return new EventChain.Link(sequence, hash);
    }

    /** The full event; not for a withheld one, which says nothing. */
    public Event toEvent() {
        if (isWithheld()) {
            throw new IllegalStateException("Event " + sequence + " is withheld from this mirror");
        }
        return new Event(sequence, type, repositoryId, payload, Instant.ofEpochMilli(createdAt), previousHash, hash);
    }
}
