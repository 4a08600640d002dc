package dev.facet.core.lfs;

import dev.facet.core.error.TooManyRequests;
import java.time.Duration;

/** Another request is storing (or deleting) the same object right now; the client tries again in a moment. */
public class LfsObjectBusy extends TooManyRequests {
    private static final long serialVersionUID = 1L;

    public LfsObjectBusy(LfsOid oid) {
        super("Object " + oid + " is being stored by another upload right now; try again in a moment.",
                Duration.ofSeconds(2));
    }
}
