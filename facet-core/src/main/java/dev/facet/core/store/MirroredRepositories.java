package dev.facet.core.store;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.ProjectDigest;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** The repositories a mirror carries. */
public interface MirroredRepositories {
    /** Inserts or replaces the row with this repository's id. */
    void save(MirroredRepository repository);

    Optional<MirroredRepository> find(long repositoryId);

    /**
     * Records that a sync of each repository is owed, as a save with {@code syncRequested} would, without reading the
     * rows first; an id with no row is skipped.
     */
    void markSyncRequested(Collection<Long> repositoryIds);

    Optional<MirroredRepository> find(String projectKey, String slug);

    List<MirroredRepository> all();

    void delete(long repositoryId);

    /**
     * Every project this mirror holds repositories of: the sum of their digests over what the mirror serves
     * (see {@link MirroredRepository#servedDigest()}) and their count, ordered by project key.
     */
    List<ProjectDigest> projectDigests();

    /** How many repositories the mirror holds, how many serve the upstream's last announced state, how many have no copy yet. */
    Counts counts();

    /** The repositories not in sync that have been behind longest (those behind since an unknown time last). */
    List<MirroredRepository> longestBehind(int limit);

    /** Counts over every carried repository, computed by the database. */
    record Counts(int total, int inSync, int withoutCopy) {
    }

    /** The repositories this mirror holds in one project, ordered by id. */
    List<MirroredRepository> inProject(String projectKey);
}
