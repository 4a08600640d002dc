package dev.facet.primary;

import dev.facet.core.access.Caller;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.ref.RefChange;
import dev.facet.core.store.Store;
import dev.facet.git.PushLog;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each push to the audit trail: who, into which repository, which refs from where to where.
 * Like the push's event, it runs after the refs moved; if it fails the push still stands.
 */
public final class PushAudit implements PushLog {
    private static final Logger log = LoggerFactory.getLogger(PushAudit.class);

    private final Store store;
    private final Clock clock;

    public PushAudit(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public void pushed(Caller pusher, long repositoryId, List<RefChange> changes) {
        try {
            store.useTransaction(tx -> {
                String repository = tx.repositories().findById(repositoryId)
                        .map(r -> r.projectKey().value() + "/" + r.slug().value()).orElse("repository " + repositoryId);
                String moved = changes.stream()
                        .map(change -> change.refName() + " " + change.oldId().abbreviate(10).name() + ".."
                                + change.newId().abbreviate(10).name())
                        .collect(Collectors.joining(", "));
                tx.audit().record(clock.instant(), pusher.toString(), AuditAction.PUSH, null, null,
                        repository + ": " + moved);
            });
        } catch (RuntimeException e) {
            log.error("repository {}: push by {} not written to the audit trail", repositoryId, pusher, e);
        }
    }
}
