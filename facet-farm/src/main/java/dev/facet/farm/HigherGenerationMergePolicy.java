package dev.facet.farm;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.spi.merge.MergingValue;
import com.hazelcast.spi.merge.SplitBrainMergePolicy;

/**
 * How the farm's record of a repository's published refs is merged when a split farm heals: the
 * record with the higher published generation wins, so that no node is told an older publication
 * than one its half of the farm already served. Two halves that published the same generation
 * with different states are settled by the greater refs hash, the same answer on every member
 * whichever half merges into the other; nodes of the other half find their copies diverged and
 * repair them. Hazelcast's default (the entry already in the surviving half wins) would keep
 * whichever half happened to be larger. It asks only for the values, so the map needs no per-entry
 * statistics.
 */
public final class HigherGenerationMergePolicy
        implements SplitBrainMergePolicy<FarmRefsRecord, MergingValue<FarmRefsRecord>, Object> {

    @Override
    public Object merge(MergingValue<FarmRefsRecord> merging, MergingValue<FarmRefsRecord> existing) {
        if (existing == null || existing.getRawValue() == null) {
            return merging.getRawValue();
        }
        if (merging == null || merging.getRawValue() == null) {
            return existing.getRawValue();
        }
        return wins(merging.getDeserializedValue(), existing.getDeserializedValue())
                ? merging.getRawValue() : existing.getRawValue();
    }

    /** Whether {@code merging} should replace {@code existing}: newer, or as new and ahead by refs hash. */
    static boolean wins(FarmRefsRecord merging, FarmRefsRecord existing) {
        if (merging.generation() != existing.generation()) {
            return merging.generation() > existing.generation();
        }
        if (merging.published() == null) {
            return false;
        }
        return merging.published().state().refsHash().compareTo(existing.published().state().refsHash()) > 0;
    }

    @Override
    public void writeData(ObjectDataOutput out) {
        // Stateless: nothing travels with it.
    }

    @Override
    public void readData(ObjectDataInput in) {
        // Stateless.
    }
}
