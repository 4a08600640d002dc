package dev.facet.git;

import dev.facet.core.name.Username;
import dev.facet.core.ref.RefChange;
import dev.facet.core.ref.RefsHash;
import java.util.List;

/** Told after a push has moved refs, before the push's response completes. */
public interface RefChangeListener {
    RefChangeListener NONE = (repositoryId, pusher, changes, refsHashAfter) -> { };

    /** @param pusher the account whose push moved the refs */
    void onRefsChanged(long repositoryId, Username pusher, List<RefChange> changes, RefsHash refsHashAfter);
}
