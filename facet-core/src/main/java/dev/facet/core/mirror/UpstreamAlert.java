package dev.facet.core.mirror;

import java.time.Instant;

/** Something about the upstream that a mirror will not accept on its own; open until an admin accepts the upstream. */
public record UpstreamAlert(long id, Kind kind, Instant raisedAt, String details) {
    /** What the mirror saw. */
    public enum Kind {
        /** The server at the upstream URL presents another instance id or key than the pinned ones. */
        IDENTITY_CHANGED,
        /** The upstream's event history is shorter than what the mirror already applied (a restore from an old copy). */
        HISTORY_REWOUND,
        /** The upstream's next event does not continue the chain the mirror saw. */
        HISTORY_FORKED
    }
}
