package dev.facet.mirror;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.ref.RefsHash;
import dev.facet.git.KeptRefs;
import dev.facet.git.MirrorFetcher;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/**
 * Skips the Git session when the local copy already holds the state the upstream signed for the repository: a
 * new empty repository (most of a large first sync can be those), or a sync asked for after another one brought
 * the state. The session would only list refs this copy has; the answer is what a fetch that found nothing to
 * change gives, and the refs pass the same {@link MirrorFetcher.BeforeRefsMove} step, so a farm sees no difference.
 * Any other state is fetched from {@code source}.
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
        String signed = repository.upstreamRefsHash();
        if (signed != null) {
            Map<String, ObjectId> held = heldRefs(local);
            RefsHash heldHash = RefsHash.of(held);
            if (heldHash.value().equals(signed)) {
                beforeRefsMove.objectsHeld(held);
                return new MirrorFetcher.Outcome(0, 0, null, heldHash);
            }
        }
        return source.fetch(local, repository, destructive, beforeRefsMove);
    }

    /** The refs the upstream's refs hash covers, as the local copy has them. */
    private static Map<String, ObjectId> heldRefs(Repository local) throws IOException {
        Map<String, ObjectId> held = new HashMap<>();
        for (Ref ref : local.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
            if (!ref.isSymbolic() && ref.getObjectId() != null && !KeptRefs.isKept(ref.getName())) {
                held.put(ref.getName(), ref.getObjectId());
            }
        }
        return held;
    }
}
