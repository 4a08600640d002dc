package dev.facet.mirror;

import dev.facet.core.error.Unavailable;

/**
 * This farm node is behind the state its farm has published for a repository and does not yet
 * hold its objects: it refuses the read rather than show refs older than another node showed.
 */
public final class CatchingUp extends Unavailable {
    private static final long serialVersionUID = 1L;

    public CatchingUp(long repositoryId) {
        super("This node is catching up: repository " + repositoryId + " is not yet at the state its farm has "
                + "published. Try again; another node of the farm can answer now.");
    }
}
