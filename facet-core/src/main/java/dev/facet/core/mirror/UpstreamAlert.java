package dev.facet.core.mirror;

import java.time.Instant;

/** Something about the upstream that a mirror will not accept on its own; open until an admin accepts the upstream. */
public record UpstreamAlert(long id, Kind kind, Instant raisedAt, String details) {
    private static final String ACCEPT = "facet mirror accept-upstream --home DIR, or POST "
            + "/rest/mirroring/latest/upstreamServer/accept-upstream as an administrator of the primary; this keeps "
            + "the pinned identity, so nothing on the way can slip in another one";
    private static final String ACCEPT_NEW_IDENTITY = "read the primary's key fingerprint on its own mirror console "
            + "(never from this mirror), and accept only that key: facet mirror accept-upstream --home DIR "
            + "--fingerprint HEX, or POST /rest/mirroring/latest/upstreamServer/accept-upstream with "
            + "{\"keyFingerprint\":\"HEX\"} as an administrator of the primary. The mirror refuses when the key it "
            + "is shown has another fingerprint";

    /** What the mirror saw, and the one place that says what resolves it (pages, REST and the doctor show it). */
    public enum Kind {
        /** The server at the upstream URL presents another instance id or key than the pinned ones. */
        IDENTITY_CHANGED("Another server answers at the upstream URL, or something in between presents itself as the "
                + "primary. If the primary was restored with new keys: " + ACCEPT_NEW_IDENTITY + ". Otherwise fix "
                + "facet.upstream.url, or take whatever answers in the primary's place out of the path."),
        /** The upstream's event history is shorter than what the mirror already applied (a restore from an old copy). */
        HISTORY_REWOUND("The upstream's history went backwards (a restore from an old backup?). Nothing is deleted "
                + "meanwhile. When the upstream is right as it is now: " + ACCEPT + "."),
        /** The upstream's next event does not continue the chain the mirror saw. */
        HISTORY_FORKED("The upstream's history forked (a restore from an old backup, or another copy?). Nothing is "
                + "deleted meanwhile. When the upstream is right as it is now: " + ACCEPT + "."),
        /**
         * An answer the pinned upstream signed arrived with another status or body, or answers
         * another request: something between the mirror and its upstream changes messages.
         */
        ANSWER_ALTERED("Something between this mirror and its upstream (a proxy, or an attacker on the network) "
                + "changes the upstream's answers; each changed one was refused. Take it out of the path (an https:// "
                + "upstream URL keeps it out), then resolve the alert: " + ACCEPT + "."),
        /** The pinned upstream refused a request of this mirror because it arrived changed. */
        REQUEST_ALTERED("Something between this mirror and its upstream (a proxy, or an attacker on the network) "
                + "changes this mirror's requests; the upstream refused each changed one. Take it out of the path (an "
                + "https:// upstream URL keeps it out), then resolve the alert: " + ACCEPT + ".");

        private final String resolution;

        Kind(String resolution) {
            this.resolution = resolution;
        }

        /** What an administrator does about it, in words. */
        public String resolution() {
            return resolution;
        }
    }
}
