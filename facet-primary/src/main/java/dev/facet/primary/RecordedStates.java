package dev.facet.primary;

import dev.facet.core.mirror.StateDigest;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.RepositoryStates;
import dev.facet.core.store.StoreTransaction;

/**
 * Keeps a repository's row in {@link RepositoryStates} true, inside the caller's transaction: every
 * path that changes what a mirror should hold (a push, a ref changed through REST, a create, a
 * rename, a change of visibility) calls {@link #update} in the transaction that appends its event.
 */
final class RecordedStates {
    private RecordedStates() {
    }

    /**
     * Records the repository's current names and visibility with {@code refsHash}, or with the refs hash
     * already stored when it is null (a change that moved no ref). A repository deleted meanwhile is left alone.
     */
    static void update(StoreTransaction tx, long repositoryId, RefsHash refsHash) {
        RepositoryRecord repository = tx.repositories().findById(repositoryId).orElse(null);
        if (repository == null) {
            return;
        }
        String hash = refsHash != null ? refsHash.value()
                : tx.repositoryStates().find(repositoryId).map(RepositoryStates.Stored::refsHash).orElse(null);
        boolean projectPublic = tx.projects().findById(repository.projectId()).map(Project::isPublic).orElse(false);
        StateDigest digest = StateDigest.ofRepository(repository.id(), repository.projectKey().value(),
                repository.slug().value(), repository.name().value(), repository.isPublic() || projectPublic, hash);
        tx.repositoryStates().save(repository.id(), repository.projectId(), hash, digest);
    }
}
