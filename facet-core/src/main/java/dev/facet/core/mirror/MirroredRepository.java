package dev.facet.core.mirror;

import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import java.time.Instant;

/**
 * A repository as a mirror carries it, under the primary's repository id.
 *
 * @param upstreamRefsHash the refs hash the primary last announced, or null when unknown
 * @param localRefsHash    the refs hash of the mirror's copy after its last sync, or null before the first
 * @param syncRequested    work that survives a restart: a sync is owed
 * @param behindSince      when the mirror first knew it was behind, or null when in sync
 */
public record MirroredRepository(long id, ProjectKey projectKey, RepositorySlug slug, String name, boolean isPublic,
                                 String upstreamRefsHash, String localRefsHash, boolean syncRequested,
                                 Instant lastSyncedAt, Instant behindSince) {
    /**
     * This repository's {@link StateDigest} as the mirror serves it (its local refs hash), so that equal digests
     * on both sides mean the mirror serves what the primary holds, and a copy behind makes its project differ.
     */
    public StateDigest servedDigest() {
        return StateDigest.ofRepository(id, projectKey.value(), slug.value(), name, isPublic, localRefsHash);
    }

    public boolean inSync() {
        return localRefsHash != null && localRefsHash.equals(upstreamRefsHash);
    }
}
