package dev.facet.mirror;

import dev.facet.core.error.Conflict;

/** Accepting the upstream was refused: it presents another identity than the pinned one, and no matching fingerprint was typed. */
public final class UpstreamNotAccepted extends Conflict {
    private static final long serialVersionUID = 1L;

    UpstreamNotAccepted(String message) {
        super("keyFingerprint", message);
    }
}
