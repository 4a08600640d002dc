package dev.facet.core.lfs;

import dev.facet.core.access.Caller;
import java.util.List;
import java.util.Optional;

/**
 * The Git LFS locking API of repositories. Access to the repository has been decided before any
 * call; what is decided here is whose lock is whose. The primary keeps locks itself; a mirror
 * serves the same API by asking its primary.
 */
public interface LfsLocks {
    /**
     * @throws dev.facet.core.error.AlreadyExists (as {@link LockConflict}) when the path is locked already
     * @throws dev.facet.core.error.InvalidInput  when the path is not a file path of a repository
     */
    LfsLock lock(Caller caller, long repositoryId, String path);

    /** One page of a repository's locks in id order, from {@code cursor} (an id) on, optionally only a path's or an id's. */
    Page list(long repositoryId, Optional<String> path, Optional<Long> id, Optional<Long> cursor, int limit);

    /**
     * Removes a lock: the owner's own, or anyone's with {@code force} (the caller's right to force was checked
     * before: repository administrators only).
     *
     * @throws dev.facet.core.error.NotFound         when the repository has no such lock
     * @throws dev.facet.core.error.PermissionDenied when the lock is another user's and {@code force} is false
     */
    LfsLock unlock(Caller caller, long repositoryId, long lockId, boolean force);

    /** Locks held by someone other than {@code caller}: the paths a push of theirs may not change. */
    List<LfsLock> heldByOthers(long repositoryId, Caller caller);

    /** A page of locks and where the next one starts, if any. */
    record Page(List<LfsLock> locks, Optional<Long> nextCursor) {
    }

    /** The path is locked already; the lock that holds it. */
    final class LockConflict extends dev.facet.core.error.AlreadyExists {
        private static final long serialVersionUID = 1L;
        private final transient LfsLock existing;

        public LockConflict(LfsLock existing) {
            super("path", "'" + existing.path() + "' is already locked by " + existing.owner() + ".");
            this.existing = existing;
        }

        public LfsLock existing() {
            return existing;
        }
    }
}
