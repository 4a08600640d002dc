package dev.facet.mirror;

import dev.facet.core.lfs.LfsPointer;
import dev.facet.git.RepositoryStore;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the Git LFS objects of a repository after it synced, before anyone asks for them
 * ({@code facet.mirror.lfs-prefetch}): those the tips of the refs that sync moved point at
 * ({@link Policy#RECENT}), or those of the whole history ({@link Policy#ALL}). It runs on its own
 * thread, one repository at a time, so a sync never waits for it; a failure is logged and the
 * objects are fetched on first download as without prefetching.
 */
public final class LfsPrefetch implements SyncObserver {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");

    /** Which objects are fetched after a sync. */
    public enum Policy {
        /** None: each object is fetched on its first download. */
        NONE,
        /** Those named at the tips of the refs a sync moved (every ref's, the first time after a start). */
        RECENT,
        /** Those named anywhere in the history of every ref. */
        ALL
    }

    private final Policy policy;
    private final RepositoryStore repositories;
    private final MirroredLfsObjects objects;
    private final ExecutorService worker;
    private final Set<Long> queued = ConcurrentHashMap.newKeySet();
    /** The refs each repository had at its last prefetch: what a sync moved is what differs. */
    private final Map<Long, Map<String, ObjectId>> prefetchedRefs = new ConcurrentHashMap<>();

    public LfsPrefetch(Policy policy, RepositoryStore repositories, MirroredLfsObjects objects) {
        if (policy == Policy.NONE) {
            throw new IllegalArgumentException("With no prefetch there is nothing to run: wire SyncObserver.NONE");
        }
        this.policy = policy;
        this.repositories = repositories;
        this.objects = objects;
        this.worker = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "facet-lfs-prefetch");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void onSynced(long repositoryId, String servedRefsHash, long millis, long bytesFetched) {
        // Bursts of syncs of one repository are one prefetch: the one queued sees the latest refs.
        if (queued.add(repositoryId)) {
            worker.execute(() -> {
                queued.remove(repositoryId);
                prefetch(repositoryId);
            });
        }
    }

    /** Prefetches one repository now, on the caller's thread. */
    public void prefetch(long repositoryId) {
        try {
            Map<String, ObjectId> refs = repositories.refs(repositoryId);
            Map<String, ObjectId> before = prefetchedRefs.getOrDefault(repositoryId, Map.of());
            Set<ObjectId> tips = new LinkedHashSet<>();
            refs.forEach((name, id) -> {
                if (!Objects.equals(before.get(name), id)) {
                    tips.add(id);
                }
            });
            if (tips.isEmpty()) {
                return;
            }
            Set<LfsPointer> pointers;
            try (Repository repository = repositories.open(repositoryId)) {
                pointers = policy == Policy.ALL ? inHistory(repository, refs.values()) : atTips(repository, tips);
            }
            int fetched = objects.prefetch(repositoryId, pointers);
            prefetchedRefs.put(repositoryId, new HashMap<>(refs));
            if (fetched > 0) {
                log.info("repository {}: prefetched {} of {} Git LFS objects ({})", repositoryId, fetched,
                        pointers.size(), policy.name().toLowerCase(Locale.ROOT));
            }
        } catch (RuntimeException | IOException e) {
            log.warn("repository {}: Git LFS prefetch failed, objects are fetched on first download: {}", repositoryId,
                    e.toString());
        }
    }

    /** The pointers in the trees of {@code tips}. */
    private static Set<LfsPointer> atTips(Repository repository, Set<ObjectId> tips) throws IOException {
        Set<LfsPointer> pointers = new LinkedHashSet<>();
        Set<ObjectId> seen = new HashSet<>();
        try (RevWalk walk = new RevWalk(repository); ObjectReader reader = repository.newObjectReader()) {
            for (ObjectId tip : tips) {
                RevObject peeled = walk.peel(walk.parseAny(tip));
                if (!(peeled instanceof RevCommit commit)) {
                    continue;
                }
                try (TreeWalk tree = new TreeWalk(reader)) {
                    tree.addTree(commit.getTree());
                    tree.setRecursive(true);
                    while (tree.next()) {
                        ObjectId blob = tree.getObjectId(0);
                        if (tree.getFileMode(0).getObjectType() == Constants.OBJ_BLOB && seen.add(blob)) {
                            pointerIn(reader, blob).ifPresent(pointers::add);
                        }
                    }
                }
            }
        }
        return pointers;
    }

    /** The pointers in every blob reachable from {@code tips}. */
    private static Set<LfsPointer> inHistory(Repository repository, Iterable<ObjectId> tips) throws IOException {
        Set<LfsPointer> pointers = new LinkedHashSet<>();
        try (ObjectWalk walk = new ObjectWalk(repository); ObjectReader reader = repository.newObjectReader()) {
            for (ObjectId tip : tips) {
                walk.markStart(walk.peel(walk.parseAny(tip)));
            }
            while (walk.next() != null) {
                // Commits first; their trees and blobs follow.
            }
            for (RevObject object; (object = walk.nextObject()) != null; ) {
                if (object.getType() == Constants.OBJ_BLOB) {
                    pointerIn(reader, object).ifPresent(pointers::add);
                }
            }
        }
        return pointers;
    }

    private static java.util.Optional<LfsPointer> pointerIn(ObjectReader reader, ObjectId blob) throws IOException {
        if (reader.getObjectSize(blob, Constants.OBJ_BLOB) > LfsPointer.MAX_POINTER_FILE_BYTES) {
            return java.util.Optional.empty();
        }
        return LfsPointer.parseFile(reader.open(blob, Constants.OBJ_BLOB).getBytes());
    }

    public void stop() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
