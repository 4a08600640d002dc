package dev.facet.farm;

import dev.facet.core.ref.RefsHash;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.jgit.lib.ObjectId;

/**
 * What the farm knows of one repository's refs: the state it has published, which every node
 * serves, and at most one state proposed to follow it, with the nodes that hold its objects.
 * Kept in a Hazelcast map by repository id and changed only by entry processors, which run one
 * at a time per key; so publication needs no lock.
 *
 * @param published null until a first state is published
 * @param proposal  null when no state is pending
 */
record FarmRefsRecord(Published published, Proposal proposal) implements Serializable {
    static final FarmRefsRecord EMPTY = new FarmRefsRecord(null, null);

    /** A repository's refs (names to object ids) and their refs hash. */
    record RefsState(String refsHash, Map<String, String> refs) implements Serializable {
        RefsState {
            new RefsHash(refsHash);
            refs = Map.copyOf(refs);
        }

        static RefsState of(Map<String, ObjectId> refs) {
            Map<String, String> names = new TreeMap<>();
            refs.forEach((name, id) -> names.put(name, id.name()));
            return new RefsState(RefsHash.of(refs).value(), names);
        }

        Map<String, ObjectId> objectIds() {
            Map<String, ObjectId> ids = new HashMap<>();
            refs.forEach((name, id) -> ids.put(name, ObjectId.fromString(id)));
            return ids;
        }

        boolean sameAs(RefsState other) {
            return other != null && refsHash.equals(other.refsHash);
        }
    }

    /** A state every node serves (or refuses reads until it does); generations only grow. */
    record Published(long generation, RefsState state) implements Serializable {
    }

    /**
     * A state offered to be published next.
     *
     * @param basedOn    the generation published when its proposer began fetching it: it is newer than that one
     * @param holders    the nodes that hold its objects
     * @param proposedAt when it was proposed (milliseconds since the epoch, by the proposer's clock)
     */
    record Proposal(RefsState state, long basedOn, Set<String> holders, long proposedAt) implements Serializable {
        Proposal {
            holders = Set.copyOf(holders);
        }

        Proposal heldAlsoBy(String nodeId) {
            Set<String> more = new HashSet<>(holders);
            more.add(nodeId);
            return new Proposal(state, basedOn, more, proposedAt);
        }
    }

    /** The published generation; 0 before the first publication. */
    long generation() {
        return published == null ? 0 : published.generation();
    }

    /**
     * Publishes the proposal once its holders cover every node that counts; drops a proposal that was fetched
     * before the published state was (it would move the farm backwards).
     */
    FarmRefsRecord settled(Set<String> required) {
        if (proposal == null) {
            return this;
        }
        if (proposal.basedOn() < generation()) {
            return new FarmRefsRecord(published, null);
        }
        if (proposal.holders().containsAll(required)) {
            return new FarmRefsRecord(new Published(generation() + 1, proposal.state()), null);
        }
        return this;
    }
}
