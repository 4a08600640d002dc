package dev.facet.mirror;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.store.MirrorStore;
import dev.facet.core.store.MirrorTransaction;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The one owner of the mirror's link to its upstream. A change of state goes through
 * {@link #move}, which checks {@link UpstreamState}'s table against the state the link is in at
 * that moment and records the move in the audit trail (who, when, which upstream instance) in
 * the same transaction. Everything else (the pin, the event position) changes through
 * {@link #update}, which cannot change the state, so no write can undo a move made meanwhile.
 */
public final class UpstreamLifecycle {
    private final MirrorStore store;
    private final Clock clock;
    private final Optional<String> configuredUrl;
    private final AtomicLong departuresFromInstalled = new AtomicLong();

    /**
     * @param configuredUrl the upstream a running mirror was started with, where a link not stored yet is
     *                      UNCONFIGURED; empty for a stopped mirror, where a link not stored is an error
     */
    public UpstreamLifecycle(MirrorStore store, Clock clock, Optional<String> configuredUrl) {
        this.store = store;
        this.clock = clock;
        this.configuredUrl = configuredUrl;
    }

    /** The link as it is now. @throws IllegalStateException when there is none and no upstream was configured */
    public UpstreamLink current() {
        return store.inTransaction(this::stored);
    }

    /**
     * Applies {@code change} to the link as it is now and saves the result with its audit entry.
     *
     * @throws IllegalStateException when the table does not allow the move, naming the states it needs
     */
    public UpstreamLink move(UnaryOperator<UpstreamLink> change, String actor, AuditAction action, String details) {
        return store.inTransaction(tx -> move(tx, change, actor, action, details));
    }

    /** {@link #move} inside a transaction the caller holds, for a move that must go with other writes. */
    public UpstreamLink move(MirrorTransaction tx, UnaryOperator<UpstreamLink> change, String actor, AuditAction action,
                             String details) {
        UpstreamLink current = stored(tx);
        UpstreamLink next = change.apply(current);
        if (!current.state().canMoveTo(next.state())) {
            throw new IllegalStateException("The mirror is " + current.state() + "; " + describe(action) + " needs a "
                    + UpstreamState.movingTo(next.state()).stream().map(Enum::name).collect(Collectors.joining(" or "))
                    + " mirror.");
        }
        tx.upstream().save(next);
        tx.audit().record(clock.instant(), actor, action, next.upstreamInstanceId(), next.upstreamUrl(), details);
        noteDeparture(current, next);
        return next;
    }

    /**
     * Which installation of this mirror the link is in, as this process counts them: it changes
     * each time the link leaves INSTALLED, so that what was learnt about the upstream while
     * installed before (a completed reconciliation) is not taken for the present installation's.
     */
    public long installation() {
        return departuresFromInstalled.get();
    }

    private void noteDeparture(UpstreamLink current, UpstreamLink next) {
        if (current != null && current.state() == UpstreamState.INSTALLED && next.state() != UpstreamState.INSTALLED) {
            departuresFromInstalled.incrementAndGet();
        }
    }

    /** Changes what the link holds besides its state, on the link as it is now. */
    public UpstreamLink update(UnaryOperator<UpstreamLink> change) {
        return store.inTransaction(tx -> update(tx, change));
    }

    /** {@link #update} inside a transaction the caller holds. */
    public UpstreamLink update(MirrorTransaction tx, UnaryOperator<UpstreamLink> change) {
        UpstreamLink current = stored(tx);
        UpstreamLink next = change.apply(current);
        if (next.state() != current.state()) {
            throw new IllegalArgumentException("A change of state from " + current.state() + " to " + next.state()
                    + " is a move, recorded in the audit trail");
        }
        tx.upstream().save(next);
        return next;
    }

    /**
     * Saves the pin and the event position of {@code repinned}, in the state the link is in now: an
     * administrator's acceptance of the upstream does not undo a removal or a restore made meanwhile.
     */
    public UpstreamLink repin(MirrorTransaction tx, UpstreamLink repinned) {
        UpstreamLink pinned = tx.upstream().get().map(current -> withState(repinned, current.state())).orElse(repinned);
        tx.upstream().save(pinned);
        return pinned;
    }

    /**
     * Forgets the link: the mirror starts over, UNCONFIGURED, at {@code upstreamUrl}. This is a reset,
     * not a move within the table, and is recorded as a purge.
     */
    public void forget(MirrorTransaction tx, String upstreamUrl, String actor, String details) {
        UpstreamLink current = tx.upstream().get().orElse(null);
        UpstreamLink next = UpstreamLink.unconfigured(upstreamUrl);
        tx.upstream().save(next);
        noteDeparture(current, next);
        tx.audit().record(clock.instant(), actor, AuditAction.PURGE, current == null ? null : current.upstreamInstanceId(),
                current == null ? null : current.upstreamUrl(), details);
    }

    private UpstreamLink stored(MirrorTransaction tx) {
        return tx.upstream().get().or(() -> configuredUrl.map(UpstreamLink::unconfigured)).orElseThrow(() ->
                new IllegalStateException("This mirror was never registered; start it with --upstream URL."));
    }

    private static String describe(AuditAction action) {
        return action.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /** The same link in another state, keeping the pin and the event position. */
    public static UpstreamLink withState(UpstreamLink link, UpstreamState state) {
        return new UpstreamLink(link.upstreamUrl(), state, link.requestId(), link.upstreamInstanceId(),
                link.upstreamPublicKey(), link.pinnedSequence(), link.pinnedHash(), link.appliedSequence(),
                link.appliedHash());
    }
}
