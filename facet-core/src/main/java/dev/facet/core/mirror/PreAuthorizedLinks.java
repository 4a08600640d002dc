package dev.facet.core.mirror;

import java.time.Duration;

/**
 * The links a primary hands out to a mirror's view of one repository ({@code GET repos/{id}/mirrors}),
 * which the mirror answers without credentials while the link is valid. A CI server follows such a
 * link as it is: Bitbucket's plugins add no header to it, so the signed token travels in the link
 * itself, as Bitbucket's does. What it reaches is worth little to anyone who copies it from a log:
 * whether one mirror holds one repository, and the URLs to clone it with (which still ask for
 * credentials), for a minute.
 */
public final class PreAuthorizedLinks {
    /** The query parameter that carries the token, named as Bitbucket names it. */
    public static final String TOKEN_PARAMETER = "jwt";
    /** How long a link stays valid: as long as any signed token between two instances. */
    public static final Duration VALIDITY = Duration.ofSeconds(60);

    private PreAuthorizedLinks() {
    }

    /** The mirror's resource for the primary's repository {@code repositoryId}, which the token is signed for. */
    public static String resource(long repositoryId) {
        return "/rest/mirroring/latest/mirrorRepos/" + repositoryId;
    }
}
