package dev.facet.mirror;

import dev.facet.git.MirrorFetcher;

/**
 * The step between "this node holds the objects of a repository's new state" and "its refs move
 * to that state". A lone mirror passes at once ({@link #NONE}): what it serves is what it holds.
 * A farm holds the refs here until every live node holds the objects, so that no client sees a
 * ref go backwards whichever node the load balancer picks.
 */
@FunctionalInterface
public interface RefUpdateBarrier {
    /** A lone node: the refs move as soon as its own fetch has brought the objects. */
    RefUpdateBarrier NONE = repositoryId -> MirrorFetcher.BeforeRefsMove.NONE;

    /**
     * Begins one sync of the repository, before anything is fetched (a farm notes which of its states the fetch
     * starts from, so that a state fetched before a newer one was published is never taken for newer).
     *
     * @return the step the fetcher passes once it holds the objects: it returns whether the refs move to the
     *         fetched state, waiting as long as the farm needs (a bounded time), or throws when they may not move now
     */
    MirrorFetcher.BeforeRefsMove beginSync(long repositoryId);

    /** The repository is no longer carried: a farm forgets its record of it. */
    default void removed(long repositoryId) {
    }
}
