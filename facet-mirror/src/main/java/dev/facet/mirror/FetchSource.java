package dev.facet.mirror;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.git.MirrorFetcher;
import java.io.IOException;
import org.eclipse.jgit.lib.Repository;

/**
 * Where a repository's objects and refs are fetched from. A lone mirror fetches from its
 * upstream ({@link UpstreamFetchSource}); a node joining a farm can take them from a peer on the
 * farm's network instead of across the WAN.
 */
public interface FetchSource {
    /**
     * Brings {@code local} to the source's state of {@code repository}: the objects first, then,
     * once {@code beforeRefsMove} returns, the refs in one atomic batch.
     *
     * @param destructive asked, with the hash of the advertised refs, whether refs may be deleted or rewound
     */
    MirrorFetcher.Outcome fetch(Repository local, MirroredRepository repository,
                                MirrorFetcher.DestructiveChanges destructive,
                                MirrorFetcher.BeforeRefsMove beforeRefsMove)
            throws IOException, MirrorFetcher.RepositoryGone, MirrorFetcher.CredentialsRefused;
}
