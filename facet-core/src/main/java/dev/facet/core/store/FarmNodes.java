package dev.facet.core.store;

import dev.facet.core.mirror.FarmNode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The nodes of the mirror farms registered on the primary, each with its own key. */
public interface FarmNodes {
    /** Adds a node; a node id is registered once, in one farm. */
    void add(FarmNode node);

    Optional<FarmNode> find(String nodeId);

    /** A farm's nodes, the oldest first. */
    List<FarmNode> ofMirror(String mirrorId);

    int countOfMirror(String mirrorId);

    /** Records a node's heartbeat; does nothing for an id that is no farm node (a single mirror). */
    void recordHeartbeat(String nodeId, Instant seenAt, String reportedState, String version);

    void delete(String nodeId);

    /** Forgets every node of every farm; returns how many there were. */
    int deleteAll();
}
