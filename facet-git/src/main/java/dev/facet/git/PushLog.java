package dev.facet.git;

import dev.facet.core.access.Caller;
import dev.facet.core.ref.RefChange;
import java.util.List;

/** Told who pushed what, after the refs moved: the audit trail's view of a push. */
public interface PushLog {
    PushLog NONE = (pusher, repositoryId, changes) -> { };

    void pushed(Caller pusher, long repositoryId, List<RefChange> changes);
}
