package dev.facet.core.lfs;

import dev.facet.core.error.InvalidInput;
import java.util.Objects;

/** One Git LFS object as a client names it: its oid and its size in bytes. */
public record LfsPointer(LfsOid oid, long size) {
    public LfsPointer {
        Objects.requireNonNull(oid, "oid");
        if (size < 0) {
            throw new InvalidInput("size", "The size of object " + oid + " is " + size + "; it must be at least 0.");
        }
    }
}
