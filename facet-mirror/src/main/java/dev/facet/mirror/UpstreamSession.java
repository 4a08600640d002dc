package dev.facet.mirror;

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

    public UpstreamSession(UpstreamClient client, MirrorStore store, Clock clock) {
        this.client = client;
        this.store = store;
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
}
