package dev.facet.mirror;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.ref.RefsHash;
import dev.facet.git.KeptRefs;
import dev.facet.git.MirrorFetcher;
import java.io.IOException;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/**
 * Skips the Git session for a new empty repository whose upstream is empty too (most of a large first sync can be
 * those): the session would only list no refs. The answer is what a fetch that found nothing to change gives, and
 * the refs pass the same {@link MirrorFetcher.BeforeRefsMove} step, so a farm sees no difference. A repository with
 * refs is always fetched from {@code source}, even when its refs already match the signed state: the refs hash does
 * not cover HEAD, and a changed default branch reaches the mirror only through the session's advertisement.
 */
public final class HeldStateFetchSource implements FetchSource {
    private final FetchSource source;

    public HeldStateFetchSource(FetchSource source) {
        this.source = source;
    }

    @Override
    public MirrorFetcher.Outcome fetch(Repository local, MirroredRepository repository,
                                       MirrorFetcher.DestructiveChanges destructive,
                                       MirrorFetcher.BeforeRefsMove beforeRefsMove)
            throws IOException, MirrorFetcher.RepositoryGone, MirrorFetcher.CredentialsRefused {
        RefsHash empty = RefsHash.of(Map.of());
        if (empty.value().equals(repository.upstreamRefsHash()) && !holdsAnyRef(local)) {
            beforeRefsMove.objectsHeld(Map.of());
            return new MirrorFetcher.Outcome(0, 0, null, empty);
        }
        return source.fetch(local, repository, destructive, beforeRefsMove);
    }

    /** Whether the local copy has any ref the upstream's refs hash covers; stops at the first. */
    private static boolean holdsAnyRef(Repository local) throws IOException {
        for (Ref ref : local.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
            if (!ref.isSymbolic() && ref.getObjectId() != null && !KeptRefs.isKept(ref.getName())) {
                return true;
            }
        }
        return false;
    }
}
