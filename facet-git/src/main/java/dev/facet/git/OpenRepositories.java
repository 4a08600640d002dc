package dev.facet.git;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;

/**
 * The repositories kept open between uses, bounded in number as well as in time. JGit's own cache bounds only the
 * time: a mirror that synced 100,000 repositories within five minutes held every one of them open (about 8 KiB
 * each, 830 MiB of heap, beyond the mirror's default 512 MiB). Here the least recently used go first once
 * {@code capacity} are open, and any left unused for {@code idle} go at the next open.
 *
 * <p>Each open repository carries one use for this cache and one per caller; a caller closes its own, and the
 * repository closes for good once the cache has let go of it and its last caller has closed it.
 */
final class OpenRepositories {
    private final int capacity;
    private final long idleNanos;
    private final Map<Path, Held> held = new LinkedHashMap<>(16, 0.75f, true);

    private static final class Held {
        final Repository repository;
        long lastUsedNanos;

        Held(Repository repository, long lastUsedNanos) {
            this.repository = repository;
            this.lastUsedNanos = lastUsedNanos;
        }
    }

    OpenRepositories(int capacity, Duration idle) {
        if (capacity < 1) {
            throw new IllegalArgumentException("At least one repository is kept open, not " + capacity);
        }
        this.capacity = capacity;
        this.idleNanos = idle.toNanos();
    }

    /**
     * The repository in {@code gitDir}, open for the caller, who closes it.
     *
     * @throws org.eclipse.jgit.errors.RepositoryNotFoundException when the directory holds no Git repository
     */
    Repository open(Path gitDir) throws IOException {
        synchronized (this) {
            Held found = held.get(gitDir);
            if (found != null) {
                return handOut(found);
            }
        }
        // Read outside the lock: opening reads the repository's config from disk. As JGit's cache did, a directory
        // without the files of a repository (HEAD, objects, refs) is none, not an empty one.
        if (!RepositoryCache.FileKey.isGitRepository(gitDir.toFile(), FS.DETECTED)) {
            throw new RepositoryNotFoundException(gitDir.toFile());
        }
        Repository opened = new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setMustExist(true).build();
        List<Repository> released = new ArrayList<>();
        Repository answer;
        synchronized (this) {
            Held found = held.get(gitDir);
            if (found != null) {
                released.add(opened);
                answer = handOut(found);
            } else {
                Held added = new Held(opened, System.nanoTime());
                held.put(gitDir, added);
                answer = handOut(added);
                releaseUnwanted(added, released);
            }
        }
        released.forEach(Repository::close);
        return answer;
    }

    /** Lets go of the repository in {@code gitDir}, which is about to be moved or deleted; its callers still close theirs. */
    void forget(Path gitDir) {
        Held removed;
        synchronized (this) {
            removed = held.remove(gitDir);
        }
        if (removed != null) {
            removed.repository.close();
        }
    }

    synchronized int size() {
        return held.size();
    }

    private Repository handOut(Held entry) {
        entry.lastUsedNanos = System.nanoTime();
        entry.repository.incrementOpen();
        return entry.repository;
    }

    /** The least recently used first: those over capacity, then those unused for too long; never the one just added. */
    private void releaseUnwanted(Held added, List<Repository> released) {
        long now = System.nanoTime();
        Iterator<Held> oldestFirst = held.values().iterator();
        while (oldestFirst.hasNext()) {
            Held entry = oldestFirst.next();
            if (entry == added || held.size() <= capacity && now - entry.lastUsedNanos < idleNanos) {
                return;
            }
            oldestFirst.remove();
            released.add(entry.repository);
        }
    }
}
