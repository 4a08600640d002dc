package dev.facet.core.lfs;

import dev.facet.core.error.InvalidInput;

/** An upload whose bytes are not the object it claims to be (wrong size or SHA-256): nothing of it is kept. */
public class LfsObjectRejected extends InvalidInput {
    private static final long serialVersionUID = 1L;

    public LfsObjectRejected(String message) {
        super("oid", message);
    }
}
