package dev.facet.core.lfs;

import java.io.InputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where the bytes of Git LFS objects are kept, by oid alone. Which repository may reach which
 * object is not decided here but by {@link LfsObjects}: storage is shared, access is not.
 */
public interface LfsObjectStore {
    /** The size of the object when this store holds it. */
    OptionalLong size(LfsOid oid);

    /** @throws dev.facet.core.error.NotFound when the store does not hold the object */
    LfsContent open(LfsOid oid);

    /**
     * Takes an object's bytes and keeps them only when they are exactly {@code expected}: its size
     * and its SHA-256. Returns once the object is stored (or was already).
     *
     * @throws LfsObjectRejected when the bytes are not the object named; nothing of them is kept
     */
    void receive(LfsPointer expected, InputStream body);

    /**
     * Deletes the objects stored (or last uploaded again) before {@code olderThan} that {@code stillHeld} says no
     * repository holds any more, and uploads left unfinished before then.
     *
     * @return how many objects were deleted
     */
    int purge(java.time.Instant olderThan, java.util.function.Predicate<LfsOid> stillHeld);

    /**
     * Restarts the age {@link #purge} judges the object by, when the store holds it: a repository that held it is
     * going, and its objects are to be kept for as long as the repository is kept aside.
     */
    void restartAge(LfsOid oid);

    /** What is wrong with a stored object (missing, another size, other content), or empty when it is sound. */
    Optional<String> damage(LfsPointer pointer);
}
