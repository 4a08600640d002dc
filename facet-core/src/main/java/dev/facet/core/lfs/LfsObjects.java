package dev.facet.core.lfs;

import java.io.InputStream;
import java.util.Collection;
import java.util.Map;

/**
 * The Git LFS objects of repositories, as the LFS API serves them: which objects a repository
 * holds, where a download's bytes come from and where an upload goes. Access has been decided
 * before any call (the repository id is the one the authorizer chose). The primary keeps objects
 * itself; a mirror serves the same API with an implementation that fetches what it lacks.
 */
public interface LfsObjects {
    /** Of {@code oids}, those the repository holds, with their sizes. */
    Map<LfsOid, Long> held(long repositoryId, Collection<LfsOid> oids);

    /** @throws dev.facet.core.error.NotFound when the repository does not hold the object */
    LfsContent open(long repositoryId, LfsOid oid);

    /**
     * Stores an upload for the repository.
     *
     * @throws LfsObjectRejected when the bytes are not {@code pointer}'s
     */
    void receive(long repositoryId, LfsPointer pointer, InputStream body);

    /** What the repository holds in LFS. */
    LfsUsage usage(long repositoryId);
}
