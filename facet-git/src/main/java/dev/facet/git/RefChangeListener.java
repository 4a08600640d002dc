package dev.facet.git;

import dev.facet.core.ref.RefChange;
import dev.facet.core.ref.RefsHash;
import java.util.List;

/** Told after a push has moved refs, before the push's response completes. */
public interface RefChangeListener {
    RefChangeListener NONE = (repositoryId, changes, refsHashAfter) -> { };

    void onRefsChanged(long repositoryId, List<RefChange> changes, RefsHash refsHashAfter);
}
