package dev.facet.core.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Remembers the one-time ids of accepted tokens until they expire, so that each token is accepted
 * once. Memory is bounded: expired ids are dropped as new ones arrive, and while {@code capacity}
 * unexpired ids are held, new tokens are refused rather than a live id forgotten (forgetting it
 * would let its token be replayed). Thread-safe. Each verifying process has its own guard; the
 * nodes of a farm do not share theirs.
 */
public final class ReplayGuard {
    /** Enough for a steady 1,500 signed requests a second, in about 20 MB. */
    public static final int DEFAULT_CAPACITY = 100_000;

    private record Seen(String tokenId, Instant forgetAfter) {
    }

    private final Clock clock;
    private final int capacity;
    private final Map<String, Instant> seen = new HashMap<>();
    private final PriorityQueue<Seen> byExpiry = new PriorityQueue<>(Comparator.comparing(Seen::forgetAfter));

    public ReplayGuard(Clock clock, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("A replay guard's capacity must be positive, not " + capacity);
        }
        this.clock = clock;
        this.capacity = capacity;
    }

    /**
     * Records {@code tokenId} as used until {@code forgetAfter}.
     *
     * @return true the first time, false when the id is already remembered (a replay)
     * @throws TokenRejected with {@link TokenRejected.Reason#REPLAY_GUARD_FULL} when it cannot remember another id
     */
    public synchronized boolean firstUse(String tokenId, Instant forgetAfter) {
        forgetExpired();
        if (seen.containsKey(tokenId)) {
            return false;
        }
        if (seen.size() >= capacity) {
            throw new TokenRejected(TokenRejected.Reason.REPLAY_GUARD_FULL, "Too many signed requests at once: "
                    + capacity + " unexpired tokens are already held. Retry in a few seconds.");
        }
        seen.put(tokenId, forgetAfter);
        byExpiry.add(new Seen(tokenId, forgetAfter));
        return true;
    }

    /** How many ids are remembered now, expired ones not counted. */
    public synchronized int size() {
        forgetExpired();
        return seen.size();
    }

    private void forgetExpired() {
        Instant now = clock.instant();
        while (!byExpiry.isEmpty() && byExpiry.peek().forgetAfter().isBefore(now)) {
            seen.remove(byExpiry.poll().tokenId());
        }
    }
}
