package dev.facet.core.store;

import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import dev.facet.core.lfs.LfsUsage;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The lfs_objects table: which repository holds which Git LFS object (the bytes are shared, access is per repository). */
public interface LfsObjectRecords {
    /** Records that the repository holds the object; recording it twice changes nothing. */
    void add(long repositoryId, LfsPointer pointer);

    /** Of {@code oids}, those the repository holds, with their recorded sizes. */
    Map<LfsOid, Long> held(long repositoryId, Collection<LfsOid> oids);

    LfsUsage usage(long repositoryId);

    /** Every object the repository holds. */
    List<LfsOid> oidsOf(long repositoryId);

    /** Whether any repository holds the object. */
    boolean heldByAny(LfsOid oid);

    /** Every distinct object any repository holds, ordered by oid, one page at a time. */
    List<LfsPointer> listAll(int start, int limit);
}
