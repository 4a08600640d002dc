package dev.facet.core.store;

import dev.facet.core.mirror.ProjectDigest;
import dev.facet.core.mirror.StateDigest;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The primary's record of each repository's refs hash and state digest, kept in the transaction
 * that records the change, so a reconciliation reads the database instead of every repository's
 * refs on disk.
 */
public interface RepositoryStates {
    /** Inserts or replaces the row of {@code repositoryId}; a null refs hash is a repository missing on disk. */
    void save(long repositoryId, long projectId, String refsHash, StateDigest digest);

    /** The stored row, empty when the repository has none yet. */
    Optional<Stored> find(long repositoryId);

    /**
     * The sum of the digests of every repository in the given projects (all projects when null), how many
     * repositories and how many projects that is: one pass over the stored digests, no disk.
     */
    Total total(Set<Long> projectIds);

    /** Every project with at least one repository: its digest and count, ordered by project key. */
    List<ProjectDigest> projectDigests();

    /** A project's repositories with id above {@code afterId}, ordered by id, with their stored refs hash. */
    List<Row> inProject(long projectId, long afterId, int limit);

    /** Stored rows with repository id above {@code afterId}, ordered by id: the order a rolling verification walks. */
    List<Stored> after(long afterId, int limit);

    /** Ids of repositories that have no row yet (created before rows were kept), at most {@code limit}. */
    List<Long> missing(int limit);

    /** A sum of stored digests. */
    record Total(StateDigest digest, long repositories, long projects) {
    }

    /** One stored row. */
    record Stored(long repositoryId, long projectId, String refsHash, StateDigest digest) {
    }

    /** A repository with its stored refs hash and whether anyone may read it (it or its project is public). */
    record Row(RepositoryRecord repository, boolean readableByAll, String refsHash) {
    }
}
