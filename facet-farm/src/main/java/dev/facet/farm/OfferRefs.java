package dev.facet.farm;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;
import java.util.Set;

/**
 * A node offers the state it fetched for a repository, atomically on the repository's record:
 * it joins the pending proposal when that is the same state or the node holds its tips; it
 * proposes its own when none is pending or the pending one is stale; and the proposal is
 * published once its holders cover every node that counts. An offer of a state fetched before
 * the published one was changes nothing: the published state is newer.
 *
 * @param heldProposalHash the refs hash of the pending proposal whose tips the node found in its repository, or null
 * @param required         the nodes whose holding publication waits for: the live nodes that are ready
 * @param live             the live nodes: a proposal none of them holds is stale
 */
record OfferRefs(String nodeId, FarmRefsRecord.RefsState offered, long basedOn, String heldProposalHash,
                 Set<String> required, Set<String> live, long now, long staleAfterMillis)
        implements EntryProcessor<Long, FarmRefsRecord, FarmRefsRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public FarmRefsRecord process(Map.Entry<Long, FarmRefsRecord> entry) {
        FarmRefsRecord before = entry.getValue() == null ? FarmRefsRecord.EMPTY : entry.getValue();
        FarmRefsRecord.Published published = before.published();
        if (published != null && (published.state().sameAs(offered) || basedOn < published.generation())) {
            return before;
        }
        FarmRefsRecord.Proposal pending = before.proposal();
        if (pending != null && pending.basedOn() < before.generation()) {
            pending = null; // fetched before the published state was: it would move the farm backwards
        }
        FarmRefsRecord.Proposal next;
        if (pending != null && (pending.state().sameAs(offered) || pending.state().refsHash().equals(heldProposalHash))) {
            next = pending.heldAlsoBy(nodeId);
        } else if (pending == null || stale(pending)) {
            next = new FarmRefsRecord.Proposal(offered, basedOn, Set.of(nodeId), now);
        } else {
            next = pending;
        }
        FarmRefsRecord after = new FarmRefsRecord(published, next).settled(required);
        if (!after.equals(before)) {
            entry.setValue(after);
        }
        return after;
    }

    private boolean stale(FarmRefsRecord.Proposal pending) {
        return now - pending.proposedAt() > staleAfterMillis || pending.holders().stream().noneMatch(live::contains);
    }
}
