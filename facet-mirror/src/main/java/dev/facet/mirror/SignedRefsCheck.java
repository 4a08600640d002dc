package dev.facet.mirror;

import dev.facet.core.ref.RefsHash;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Holds what a Git fetch brings to what the upstream signed. Git over HTTP carries no signature, so
 * what the fetch advertises is trusted only as far as it matches the latest signed refs hash the
 * mirror knows for the repository (from a REFS_CHANGED event or the signed repository states).
 * A push after that signed state makes the advertised refs newer for a moment, until its own event
 * arrives; a change on the way keeps them different. So one difference is no proof: the fetch
 * applies additions only and is tried again, and only when the same signed state is contradicted
 * by fetch after fetch, with no newer one arriving, is the answer taken for altered. Fetches that
 * events set off in quick succession (a rename, a new default branch and a push together) can
 * all race the same change: contradictions count once per {@link #COUNTED_APART}, so that only
 * an answer that stays wrong across retries is taken for altered.
 */
final class SignedRefsCheck {
    /** Fetches in a row that may contradict one signed state before it counts as altered: a retry or two. */
    static final int TOLERATED_CONTRADICTIONS = 2;
    /** Less than the sync engine's first retry, so that every retry counts. */
    static final Duration COUNTED_APART = Duration.ofSeconds(1);

    enum Verdict {
        /** The advertised refs are the signed ones: every change may be applied. */
        SIGNED,
        /** Nothing signed is known yet for the repository (just created): additions only. */
        UNSIGNED,
        /** The answer differs from the signed state, a race or a change on the way: additions only, retry. */
        CONTRADICTED,
        /** The same signed state was contradicted past the tolerance: something changes the upstream's answers. */
        ALTERED
    }

    /** The signed state the last fetches contradicted, how many times in a row, and when it was last counted. */
    private record Contradiction(String signedHash, int times, long countedAtNanos) {
    }

    private final Map<Long, Contradiction> contradictions = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    SignedRefsCheck() {
        this(System::nanoTime);
    }

    SignedRefsCheck(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * @param signedHash the latest signed refs hash of the repository, or null when none is known
     * @param advertised the refs hash of what the fetch advertised
     */
    Verdict judge(long repositoryId, String signedHash, RefsHash advertised) {
        if (signedHash == null) {
            return Verdict.UNSIGNED;
        }
        if (signedHash.equals(advertised.value())) {
            contradictions.remove(repositoryId);
            return Verdict.SIGNED;
        }
        return contradicted(repositoryId, signedHash);
    }

    /** The Git endpoint answered "not found" for a repository the signed state lists: a contradiction as well. */
    Verdict judgeMissing(long repositoryId, String signedHash) {
        return contradicted(repositoryId, signedHash == null ? "" : signedHash);
    }

    /** Whether the signed state may let a fetch delete or rewind refs, asked before any ref moves. */
    static boolean destructiveAllowed(String signedHash, RefsHash advertised) {
        return signedHash != null && signedHash.equals(advertised.value());
    }

    void forget(long repositoryId) {
        contradictions.remove(repositoryId);
    }

    private Verdict contradicted(long repositoryId, String signedHash) {
        long at = nanoTime.getAsLong();
        Contradiction now = contradictions.merge(repositoryId, new Contradiction(signedHash, 1, at),
                (before, fresh) -> !before.signedHash().equals(signedHash) ? fresh
                        : at - before.countedAtNanos() < COUNTED_APART.toNanos() ? before
                        : new Contradiction(signedHash, before.times() + 1, at));
        return now.times() > TOLERATED_CONTRADICTIONS ? Verdict.ALTERED : Verdict.CONTRADICTED;
    }
}
