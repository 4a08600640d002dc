package dev.facet.mirror;

import dev.facet.core.access.Caller;
import dev.facet.core.error.Unavailable;
import dev.facet.core.lfs.LfsLock;
import dev.facet.core.lfs.LfsLocks;
import java.util.List;
import java.util.Optional;

/**
 * A mirror's side of Git LFS locks: it keeps none. Every lock request is passed on to the primary
 * before it reaches the LFS API here, and the primary checks locks on the pushes a mirror forwards;
 * should a request get this far anyway, the client is told where locks live rather than shown none.
 */
public final class PrimaryKeptLfsLocks implements LfsLocks {
    private static Unavailable keptByThePrimary() {
        return new Unavailable("Git LFS locks are kept by the primary; this mirror passes lock requests on to it.");
    }

    @Override
    public LfsLock lock(Caller caller, long repositoryId, String path) {
        throw keptByThePrimary();
    }

    @Override
    public Page list(long repositoryId, Optional<String> path, Optional<Long> id, Optional<Long> cursor, int limit) {
        throw keptByThePrimary();
    }

    @Override
    public LfsLock unlock(Caller caller, long repositoryId, long lockId, boolean force) {
        throw keptByThePrimary();
    }

    @Override
    public List<LfsLock> heldByOthers(long repositoryId, Caller caller) {
        throw keptByThePrimary();
    }
}
