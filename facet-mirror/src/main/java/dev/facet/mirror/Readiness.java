package dev.facet.mirror;

/**
 * Whether this node should take traffic, as {@code /status} tells a load balancer: a lone mirror
 * when it is synchronized ({@link LoneNodeReadiness}); a farm node when, besides, it holds every
 * carried repository at its farm's published state.
 */
@FunctionalInterface
public interface Readiness {
    /**
     * @param state       the word {@code /status} answers: SYNCHRONIZED when ready, otherwise why not
     * @param memberCount how many nodes the farm has now; null for a lone mirror, which has no farm
     */
    record Report(String state, boolean ready, Integer memberCount) {
    }

    Report report();
}
