package dev.facet.mirror;

import dev.facet.core.ref.RefsHash;
import java.io.IOException;

/**
 * The step between "this node holds the objects of a repository's new state" and "its refs move
 * to that state". A lone mirror passes at once ({@link #NONE}): what it serves is what it holds.
 * A farm holds the refs here until every live node holds the objects, so that no client sees a
 * ref go backwards whichever node the load balancer picks.
 */
@FunctionalInterface
public interface RefUpdateBarrier {
    /** A lone node: the refs move as soon as its own fetch has brought the objects. */
    RefUpdateBarrier NONE = (repositoryId, target) -> { };

    /**
     * Returns once the repository's refs may move to {@code target}.
     *
     * @throws IOException when they may not now; the sync fails and is asked for again
     */
    void awaitObjectsEverywhere(long repositoryId, RefsHash target) throws IOException;
}
