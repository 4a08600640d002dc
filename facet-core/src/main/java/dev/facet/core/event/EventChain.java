package dev.facet.core.event;

import dev.facet.core.digest.Sha256;
import java.time.Instant;

/** How events are chained: each hash covers the previous hash and everything the event says. */
public final class EventChain {
    /** The "previous hash" of the first event. */
    public static final String GENESIS_HASH = "0".repeat(64);
    /** The position before the first event. */
    public static final Link GENESIS = new Link(0, GENESIS_HASH);

    private EventChain() {
    }

    /** A position in the chain: the sequence number of an event and its hash. */
    public record Link(long sequence, String hash) {
    }

    /** Event times are kept to the millisecond so that every database round-trips them exactly. */
    public static Instant timestamp(Instant instant) {
        return Instant.ofEpochMilli(instant.toEpochMilli());
    }

    public static String hash(String previousHash, long sequence, EventType type, Long repositoryId,
                              String payload, Instant createdAt) {
        String content = previousHash + "\n" + sequence + "\n" + type.name() + "\n"
                + (repositoryId == null ? "" : repositoryId) + "\n" + createdAt.toEpochMilli() + "\n" + payload;
        return Sha256.hex(content);
    }
}
