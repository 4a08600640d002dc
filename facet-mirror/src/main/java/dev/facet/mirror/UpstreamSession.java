package dev.facet.mirror;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.store.MirrorStore;
import java.time.Clock;
import java.util.Optional;

/** The mirror's view of its upstream: the client, the persisted link, and the credentials its fetches carry. */
public final class UpstreamSession {
    private final UpstreamClient client;
    private final MirrorStore store;
    private final FetchCredentials fetchCredentials;
    private final Clock clock;

    public UpstreamSession(UpstreamClient client, MirrorStore store, Clock clock) {
        this.client = client;
        this.store = store;
        this.clock = clock;
        this.fetchCredentials = new FetchCredentials(() -> client.fetchToken(upstreamId()), clock);
    }

    public UpstreamClient client() {
        return client;
    }

    public UpstreamLink link() {
        return store.inTransaction(tx -> tx.upstream().get()).orElseGet(() -> UpstreamLink.unconfigured(client.upstreamUrl()));
    }

    public boolean isInstalled() {
        return link().state() == UpstreamState.INSTALLED;
    }

    /** The upstream's instance id, which every signed request is addressed to. */
    public String upstreamId() {
        return Optional.ofNullable(link().upstreamInstanceId())
                .orElseThrow(() -> new UpstreamUnavailable(0, "The upstream's identity is not known yet", null));
    }

    FetchCredentials fetchCredentials() {
        return fetchCredentials;
    }

    void save(UpstreamLink link) {
        store.inTransaction(tx -> {
            tx.upstream().save(link);
            return null;
        });
    }

    /** Saves a lifecycle transition and its audit entry together. */
    void transition(UpstreamLink next, String actor, AuditAction action, String details) {
        store.inTransaction(tx -> {
            tx.upstream().save(next);
            tx.audit().record(clock.instant(), actor, action, next.upstreamInstanceId(), next.upstreamUrl(), details);
            return null;
        });
    }

    /** The same link in another state, keeping the pin and the event position. */
    static UpstreamLink withState(UpstreamLink link, UpstreamState state) {
        return new UpstreamLink(link.upstreamUrl(), state, link.requestId(), link.upstreamInstanceId(),
                link.upstreamPublicKey(), link.pinnedSequence(), link.pinnedHash(), link.appliedSequence(),
                link.appliedHash());
    }
}
