package dev.facet.mirror;

import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import java.time.Clock;
import java.util.Optional;

/** The mirror's view of its upstream: the client, the persisted link, and the credentials its fetches carry. */
public final class UpstreamSession {
    private final UpstreamClient client;
    private final UpstreamLifecycle lifecycle;
    private final FetchCredentials fetchCredentials;

    public UpstreamSession(UpstreamClient client, UpstreamLifecycle lifecycle, Clock clock) {
        this.client = client;
        this.lifecycle = lifecycle;
        this.fetchCredentials = new FetchCredentials(() -> client.fetchToken(upstreamId()), clock);
    }

    public UpstreamClient client() {
        return client;
    }

    public UpstreamLink link() {
        return lifecycle.current();
    }

    /** The one way the link changes: moves checked against the table, and updates that keep the state. */
    public UpstreamLifecycle lifecycle() {
        return lifecycle;
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
}
