package dev.facet.mirror;

import dev.facet.core.event.EventChain;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.store.MirrorStore;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
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
    private final UpstreamLifecycle lifecycle;
    private final Clock clock;
    private volatile boolean alerted;
    private final AtomicReference<EventChain.Link> highestSeen = new AtomicReference<>();

    public UpstreamGuard(MirrorStore store, Clock clock) {
        this.store = store;
        // Re-pinning keeps whatever state the link is in, so it needs no configured upstream.
        this.lifecycle = new UpstreamLifecycle(store, clock, java.util.Optional.empty());
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
     * What this mirror has seen of the upstream's history just before it asks for more: the furthest
     * head it applied or an earlier answer reported. Taken before the request, so that an answer
     * another thread got meanwhile (the event stream runs beside the reconciliation) never makes
     * this answer look like a step back.
     */
    HistoryCheck beforeAsking(UpstreamLink link) {
        EventChain.Link seen = highestSeen.get();
        if (link.appliedHash() != null && (seen == null || link.appliedSequence() > seen.sequence())) {
            seen = new EventChain.Link(link.appliedSequence(), link.appliedHash());
        }
        return new HistoryCheck(link, seen);
    }

    /** The history seen before one request to the upstream, to judge that request's answer by. */
    final class HistoryCheck {
        private final UpstreamLink link;
        private final EventChain.Link seen;

        private HistoryCheck(UpstreamLink link, EventChain.Link seen) {
            this.link = link;
            this.seen = seen;
        }

        /**
         * Checks the head the answer reports: shorter than what was seen is HISTORY_REWOUND, as long
         * but different is HISTORY_FORKED. Reconciliation can bring changes before their events are
         * applied, so the applied position alone would miss a restore that happened in between.
         *
         * @return whether the history went back or forked
         */
        boolean wentBack(long headSequence, String headHash) {
            if (seen != null && headSequence < seen.sequence()) {
                raise(UpstreamAlert.Kind.HISTORY_REWOUND, link, "the upstream's event history ends at " + headSequence
                        + " but this mirror already saw event " + seen.sequence()
                        + " (was the upstream restored from an older copy?)");
                return true;
            }
            if (seen != null && headSequence == seen.sequence() && !seen.hash().equals(headHash)) {
                raise(UpstreamAlert.Kind.HISTORY_FORKED, link, "the upstream's event " + headSequence
                        + " is not the one this mirror saw");
                return true;
            }
            EventChain.Link reported = new EventChain.Link(headSequence, headHash);
            highestSeen.accumulateAndGet(reported, (current, next) ->
                    current == null || next.sequence() > current.sequence() ? next : current);
            return false;
        }
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
                    + "until an administrator resolves the alert: {}", kind, link.upstreamUrl(), details,
                    kind.resolution());
        }
    }

    /** Records an acceptance decided by {@link UpstreamAcceptance}: the pin it leaves, and the alerts resolved. */
    void accept(UpstreamAcceptance.Accepted accepted, String actor) {
        UpstreamLink link = accepted.link();
        store.inTransaction(tx -> {
            lifecycle.repin(tx, link);
            int resolved = tx.alerts().resolveAll(clock.instant(), actor);
            tx.audit().record(clock.instant(), actor, AuditAction.ACCEPT_UPSTREAM, link.upstreamInstanceId(),
                    link.upstreamUrl(), resolved + " alert(s) resolved; " + accepted.describe());
            return null;
        });
        alerted = false;
        highestSeen.set(null);
        log.info("upstream {} accepted by {}: {}", link.upstreamUrl(), actor, accepted.describe());
    }
}
