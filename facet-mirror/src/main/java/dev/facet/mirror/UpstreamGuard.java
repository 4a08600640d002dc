package dev.facet.mirror;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.store.MirrorStore;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the mirror to the upstream it pinned. When the upstream presents another identity, or
 * its event history runs back or forks, an alert is raised and, until an admin accepts the
 * upstream as it now is, the mirror applies no destructive change (no ref deletion, no forced
 * rewind, no repository deletion) while it keeps serving and keeps applying additive ones.
 */
public final class UpstreamGuard {
    private static final Logger log = LoggerFactory.getLogger(UpstreamGuard.class);

    private final MirrorStore store;
    private final Clock clock;
    private volatile boolean alerted;

    public UpstreamGuard(MirrorStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.alerted = !open().isEmpty();
    }

    /** Whether deletions and forced rewinds may be applied now. */
    public boolean destructiveChangesAllowed() {
        return !alerted;
    }

    public List<UpstreamAlert> open() {
        return store.inTransaction(tx -> tx.alerts().open());
    }

    /**
     * Raises HISTORY_REWOUND when the upstream's history ends before the event this mirror already applied.
     *
     * @return whether the history went back
     */
    boolean checkHistory(UpstreamLink link, long upstreamHeadSequence) {
        if (link.appliedHash() == null || upstreamHeadSequence >= link.appliedSequence()) {
            return false;
        }
        raise(UpstreamAlert.Kind.HISTORY_REWOUND, link, "the upstream's event history ends at " + upstreamHeadSequence
                + " but this mirror already applied event " + link.appliedSequence()
                + " (was the upstream restored from an older copy?)");
        return true;
    }

    void raise(UpstreamAlert.Kind kind, UpstreamLink link, String details) {
        boolean raised = store.inTransaction(tx -> {
            boolean fresh = tx.alerts().raise(kind, clock.instant(), details);
            if (fresh) {
                tx.audit().record(clock.instant(), "facet", AuditAction.ALERT, link.upstreamInstanceId(),
                        link.upstreamUrl(), kind + ": " + details);
            }
            return fresh;
        });
        alerted = true;
        if (raised) {
            log.error("UPSTREAM ALERT {} for {}: {}. This mirror keeps serving and applies only additive changes "
                    + "until an administrator accepts the upstream as it now is (facet mirror accept-upstream, or "
                    + "POST /rest/mirroring/latest/upstreamServer/accept-upstream).", kind, link.upstreamUrl(), details);
        }
    }

    /** Accepts the upstream as it presents itself now: re-pins it and resolves the alerts. */
    void accept(UpstreamLink repinned, String actor) {
        store.inTransaction(tx -> {
            tx.upstream().save(repinned);
            int resolved = tx.alerts().resolveAll(clock.instant(), actor);
            tx.audit().record(clock.instant(), actor, AuditAction.ACCEPT_UPSTREAM, repinned.upstreamInstanceId(),
                    repinned.upstreamUrl(), resolved + " alert(s) resolved; pinned instance " + repinned.upstreamInstanceId());
            return null;
        });
        alerted = false;
        log.info("upstream {} accepted by {}: pinned instance {}", repinned.upstreamUrl(), actor,
                repinned.upstreamInstanceId());
    }
}
