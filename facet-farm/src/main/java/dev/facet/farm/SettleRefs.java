package dev.facet.farm;

import com.hazelcast.map.EntryProcessor;
import java.util.Map;
import java.util.Set;

/**
 * Looks at a repository's pending proposal again after the nodes that count changed (a member
 * left, or stopped being ready): with fewer holders needed, it may be published now.
 */
record SettleRefs(Set<String> required) implements EntryProcessor<Long, FarmRefsRecord, Boolean> {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean process(Map.Entry<Long, FarmRefsRecord> entry) {
        FarmRefsRecord before = entry.getValue();
        if (before == null) {
            return false;
        }
        FarmRefsRecord after = before.settled(required);
        if (after.equals(before)) {
            return false;
        }
        entry.setValue(after);
        return true;
    }
}
