package dev.facet.mirror;

/**
 * Who holds the long-poll on the upstream's event stream on this node, once its first
 * reconciliation is done. A lone node always does ({@link EventFollower}); in a farm only the
 * coordinator does, for every node.
 */
public interface UpstreamEvents {
    void start();

    void stop();
}
