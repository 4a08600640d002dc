package dev.facet.mirror;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.git.MirrorFetcher;
import java.io.IOException;
import org.eclipse.jgit.lib.Repository;

/** Fetches from the upstream's Git URL with the mirror's fetch token, renewed once when the upstream refuses it. */
public final class UpstreamFetchSource implements FetchSource {
    private final UpstreamSession upstream;
    private final MirrorFetcher fetcher;

    public UpstreamFetchSource(UpstreamSession upstream, MirrorFetcher fetcher) {
        this.upstream = upstream;
        this.fetcher = fetcher;
    }

    @Override
    public MirrorFetcher.Outcome fetch(Repository local, MirroredRepository repository,
                                MirrorFetcher.DestructiveChanges destructive,
                                       MirrorFetcher.BeforeRefsMove beforeRefsMove)
            throws IOException, MirrorFetcher.RepositoryGone, MirrorFetcher.CredentialsRefused {
        String url = upstream.client().gitUrl(repository.projectKey().value(), repository.slug().value());
        try {
            return fetcher.fetch(local, url, upstream.fetchCredentials().current(), destructive, beforeRefsMove);
        } catch (MirrorFetcher.CredentialsRefused e) {
            // The token may have been revoked or the upstream restarted with new keys: one more try with a fresh one.
            upstream.fetchCredentials().forget();
            return fetcher.fetch(local, url, upstream.fetchCredentials().current(), destructive, beforeRefsMove);
        }
    }
}
