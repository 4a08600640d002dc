package dev.facet.mirror;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.RepositoryStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

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
     * Accepts the upstream as it will present itself at the next start: the alerts are resolved,
     * the pin and the event position are forgotten and taken anew from the upstream.
     *
     * @return how many alerts were open
     */
    public int acceptUpstream(String actor) {
        return store.inTransaction(tx -> {
            UpstreamLink link = lifecycle.update(tx, current -> new UpstreamLink(current.upstreamUrl(), current.state(),
                    current.requestId(), current.upstreamInstanceId(), null, 0, null, 0, null));
            int resolved = tx.alerts().resolveAll(clock.instant(), actor);
            tx.audit().record(clock.instant(), actor, AuditAction.ACCEPT_UPSTREAM, link.upstreamInstanceId(),
                    link.upstreamUrl(), resolved + " alert(s) resolved; the upstream is pinned anew at the next start");
            return resolved;
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
