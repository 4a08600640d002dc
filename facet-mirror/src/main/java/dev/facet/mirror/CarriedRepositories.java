package dev.facet.mirror;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.protocol.RepositoryState;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.store.MirrorStore;
import dev.facet.core.store.MirrorTransaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Updates the mirror's record of a repository from what the upstream announced. */
final class CarriedRepositories {
    private final MirrorStore store;

    CarriedRepositories(MirrorStore store) {
        this.store = store;
    }

    /**
     * Records a repository's names and, when known, the upstream's refs hash.
     *
     * @param upstreamRefsHash null to keep the last known one
     * @param changedAt        when the upstream changed, the start of any lag
     * @return whether the mirror's copy now differs from the upstream's
     */
    boolean announce(long id, String project, String slug, String name, Boolean isPublic, String upstreamRefsHash,
                     Instant changedAt) {
        return store.inTransaction(tx -> announce(tx, id, project, slug, name, isPublic, upstreamRefsHash, changedAt));
    }

    /**
     * Records a page of states the upstream listed in one transaction: a first reconciliation of
     * thousands of repositories commits once per page, not once per repository.
     *
     * @return the ids of the listed repositories whose copy now differs from the upstream's, in listing order
     */
    List<Long> announceAll(List<RepositoryState> states, Instant changedAt) {
        return store.inTransaction(tx -> {
            List<Long> behind = new ArrayList<>();
            for (RepositoryState state : states) {
                if (announce(tx, state.id(), state.project(), state.slug(), state.name(), state.isPublic(),
                        state.refsHash(), changedAt)) {
                    behind.add(state.id());
                }
            }
            return behind;
        });
    }

    private static boolean announce(MirrorTransaction tx, long id, String project, String slug, String name,
                                    Boolean isPublic, String upstreamRefsHash, Instant changedAt) {
        MirroredRepository current = tx.repositories().find(id).orElse(null);
        String upstreamHash = upstreamRefsHash != null ? upstreamRefsHash
                : current == null ? null : current.upstreamRefsHash();
        String localHash = current == null ? null : current.localRefsHash();
        boolean behind = localHash == null || !Objects.equals(localHash, upstreamHash);
        Instant behindSince = !behind ? null
                : current != null && current.behindSince() != null ? current.behindSince() : changedAt;
        MirroredRepository updated = new MirroredRepository(id, ProjectKey.of(project), RepositorySlug.of(slug), name,
                isPublic != null ? isPublic : current != null && current.isPublic(), upstreamHash, localHash,
                current != null && current.syncRequested(), current == null ? null : current.lastSyncedAt(),
                behindSince);
        if (!updated.equals(current)) {
            tx.repositories().save(updated);
        }
        return behind;
    }
}
