package dev.facet.mirror;

import dev.facet.core.identity.KeyFingerprint;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.RepositoryStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Lifecycle steps an admin takes on a mirror's home while the mirror is stopped. */
public final class StoppedMirror {
    private final MirrorStore store;
    private final Clock clock;
    private final UpstreamLifecycle lifecycle;

    public StoppedMirror(MirrorStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.lifecycle = new UpstreamLifecycle(store, clock, Optional.empty());
    }

    /**
     * Makes a REMOVED or REJECTED mirror send a new authorization request to the same upstream
     * when it next starts, keeping its id, key and data.
     *
     * @return the upstream URL the request will go to
     * @throws IllegalStateException when the mirror is in another state
     */
    public String reconnect(String actor) {
        return lifecycle.move(current -> UpstreamLifecycle.withState(current, UpstreamState.UNCONFIGURED), actor,
                AuditAction.RECONNECT, "new authorization request at next start").upstreamUrl();
    }

    /**
     * Accepts the upstream after an alert, by the same rule as a running mirror
     * ({@link UpstreamAcceptance}): the alerts are resolved and the event position forgotten; the
     * pin is kept while the upstream presents the pinned identity, and changes only to a key with
     * the fingerprint typed in. The pin is never left empty.
     *
     * @param presented what the server at the upstream URL presents now
     * @return what was done, for the administrator
     * @throws UpstreamNotAccepted when the upstream presents another identity and no matching fingerprint was typed
     */
    public String acceptUpstream(String actor, Optional<KeyFingerprint> typed,
                                 Supplier<UpstreamClient.UpstreamIdentity> presented) {
        return store.inTransaction(tx -> {
            UpstreamLink link = tx.upstream().get().orElseThrow(() ->
                    new IllegalStateException("This mirror was never registered; there is no upstream to accept."));
            UpstreamAcceptance.Accepted accepted = UpstreamAcceptance.accept(link, typed, presented);
            lifecycle.repin(tx, accepted.link());
            int resolved = tx.alerts().resolveAll(clock.instant(), actor);
            String done = resolved + " alert(s) resolved; " + accepted.describe();
            tx.audit().record(clock.instant(), actor, AuditAction.ACCEPT_UPSTREAM, accepted.link().upstreamInstanceId(),
                    link.upstreamUrl(), done);
            return done;
        });
    }

    /**
     * Forgets the upstream registration so the mirror can be registered anew. With
     * {@code wipeData} its repositories go too; without, they stay and the next sync is a delta.
     *
     * @return how many repositories were wiped
     */
    public int reset(RepositoryStore repositories, boolean wipeData, String actor) {
        List<MirroredRepository> carried = store.inTransaction(tx -> {
            UpstreamLink link = tx.upstream().get().orElse(null);
            List<MirroredRepository> all = tx.repositories().all();
            if (wipeData) {
                all.forEach(r -> tx.repositories().delete(r.id()));
            }
            lifecycle.forget(tx, link == null ? "" : link.upstreamUrl(), actor,
                    "registration forgotten (reset)" + (wipeData ? "; " + all.size() + " repositories wiped" : ""));
            return all;
        });
        if (wipeData) {
            carried.forEach(r -> repositories.delete(r.id()));
            return carried.size();
        }
        return 0;
    }
}
