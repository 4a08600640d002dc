package dev.facet.core.store;

import dev.facet.core.lfs.LfsLock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The lfs_locks table: at most one lock per path of a repository. */
public interface LfsLockRecords {
    /** @throws dev.facet.core.error.AlreadyExists when the path is locked already */
    LfsLock create(long repositoryId, String path, long ownerId, Instant lockedAt);

    Optional<LfsLock> find(long repositoryId, long lockId);

    Optional<LfsLock> findByPath(long repositoryId, String path);

    /** Locks with an id of at least {@code fromId}, in id order. */
    List<LfsLock> list(long repositoryId, long fromId, int limit);

    List<LfsLock> listNotOwnedBy(long repositoryId, long ownerId);

    /**
     * How many locks the repository has. Holds the repository's row until the transaction ends, so lock
     * creations in one repository that count first are counted one after another.
     */
    long countHoldingRepository(long repositoryId);

    boolean delete(long lockId);
}
