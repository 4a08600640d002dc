package dev.facet.primary;

import dev.facet.core.event.EventType;
import dev.facet.core.name.Username;
import dev.facet.core.ref.RefChange;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.Store;
import dev.facet.git.RefChangeListener;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends a REFS_CHANGED event for every push. Refs live on disk and events in the database, so
 * the two cannot share a transaction; if this append fails the push still stands and mirrors
 * repair the difference by comparing refs hashes.
 */
public final class PushEventRecorder implements RefChangeListener {
    private static final Logger log = LoggerFactory.getLogger(PushEventRecorder.class);

    private final Store store;
    private final Clock clock;

    public PushEventRecorder(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void onRefsChanged(long repositoryId, Username pusher, List<RefChange> changes, RefsHash refsHashAfter) {
        try {
            store.useTransaction(tx -> {
                RepositoryRecord repository = tx.repositories().findById(repositoryId).orElse(null);
                if (repository == null) {
                    log.warn("repository {}: pushed to while being deleted; no event recorded", repositoryId);
                    return;
                }
                tx.events().append(EventType.REFS_CHANGED, repositoryId,
                        EventPayloads.refsChanged(tx, repository, changes, refsHashAfter, null, pusher), clock.instant());
                RecordedStates.update(tx, repositoryId, refsHashAfter);
            });
        } catch (RuntimeException e) {
            log.error("repository {}: push of {} refs not recorded in the event outbox; mirrors will reconcile",
                    repositoryId, changes.size(), e);
        }
    }
}
