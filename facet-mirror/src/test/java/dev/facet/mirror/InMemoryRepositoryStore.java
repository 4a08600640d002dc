package dev.facet.mirror;

import dev.facet.git.RepositoryStore;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/** Repositories in memory, for tests of what the sync engine does around a fetch rather than of the fetch. */
final class InMemoryRepositoryStore implements RepositoryStore {
    private final Map<Long, InMemoryRepository> repositories = new ConcurrentHashMap<>();

    @Override
    public void create(long repositoryId) {
        repositories.computeIfAbsent(repositoryId,
                id -> new InMemoryRepository(new DfsRepositoryDescription("repository-" + id)));
    }

    @Override
    public Repository open(long repositoryId) {
        InMemoryRepository repository = repositories.get(repositoryId);
        // The caller closes what it opened; the repository itself stays for the next open.
        repository.incrementOpen();
        return repository;
    }

    @Override
    public boolean exists(long repositoryId) {
        return repositories.containsKey(repositoryId);
    }

    @Override
    public void verify(long repositoryId) {
    }

    @Override
    public void delete(long repositoryId) {
        repositories.remove(repositoryId);
    }

    @Override
    public void keepAside(long repositoryId, Instant at) {
        repositories.remove(repositoryId);
    }

    @Override
    public int purgeKept(Instant olderThan) {
        return 0;
    }

    @Override
    public Map<String, ObjectId> refs(long repositoryId) {
        try {
            Map<String, ObjectId> refs = new java.util.HashMap<>();
            for (Ref ref : repositories.get(repositoryId).getRefDatabase().getRefsByPrefix("refs/")) {
                refs.put(ref.getName(), ref.getObjectId());
            }
            return refs;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void repack(long repositoryId) {
    }

    @Override
    public int packCount(long repositoryId) {
        return 1;
    }

    @Override
    public void setHead(long repositoryId, String branch) {
    }
}
