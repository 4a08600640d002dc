package dev.facet.core.lfs;

import dev.facet.core.error.InvalidInput;

/** An object larger than {@code facet.lfs.max-object-bytes}. */
public class LfsObjectTooLarge extends InvalidInput {
    private static final long serialVersionUID = 1L;

    public LfsObjectTooLarge(LfsPointer pointer, long maxBytes) {
        super("size", "Object " + pointer.oid() + " has " + pointer.size() + " bytes; this server takes Git LFS objects "
                + "of at most " + maxBytes + " bytes (facet.lfs.max-object-bytes).");
    }
}
