package dev.facet.mirror;

import dev.facet.core.error.NotFound;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.error.TimedOut;
import dev.facet.core.error.Unavailable;
import dev.facet.core.lfs.LfsContent;
import dev.facet.core.lfs.LfsObjectStore;
import dev.facet.core.lfs.LfsObjects;
import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import dev.facet.core.lfs.LfsUsage;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.store.MirrorStore;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Git LFS objects of the repositories a mirror carries. Which repository holds which object
 * is the primary's to say: the mirror asks it (with its fetch token) about objects it has not heard
 * of and records the answer per repository, so access stays per repository as on the primary. The
 * bytes are fetched from the primary on the first download, checked for size and SHA-256 as they
 * stream in, kept by oid, and served from disk after; while an object is being fetched, other
 * requests for it wait for that one fetch. Uploads never reach this class: a mirror passes them on.
 */
public final class MirroredLfsObjects implements LfsObjects {
    private static final Logger log = LoggerFactory.getLogger(MirroredLfsObjects.class);

    /** How long a download waits for the fetch another request started before it answers "try again". */
    static final Duration WAIT_FOR_FETCH = Duration.ofMinutes(5);

    private final MirrorStore store;
    private final Duration waitForFetch;
    private final LfsObjectStore objects;
    private final UpstreamLfs upstream;
    private final LfsTraffic traffic;
    private final Map<Fetch, CompletableFuture<Void>> fetching = new ConcurrentHashMap<>();

    /** A fetch of one object for one repository: another repository's waiters never share its outcome (a NotFound). */
    private record Fetch(long repositoryId, LfsOid oid) {
    }

    public MirroredLfsObjects(MirrorStore store, LfsObjectStore objects, UpstreamLfs upstream, LfsTraffic traffic) {
        this(store, objects, upstream, traffic, WAIT_FOR_FETCH);
    }

    MirroredLfsObjects(MirrorStore store, LfsObjectStore objects, UpstreamLfs upstream, LfsTraffic traffic,
                       Duration waitForFetch) {
        this.waitForFetch = waitForFetch;
        this.store = store;
        this.objects = objects;
        this.upstream = upstream;
        this.traffic = traffic;
    }

    @Override
    public Map<LfsOid, Long> held(long repositoryId, Collection<LfsOid> oids) {
        return store.inTransaction(tx -> tx.lfsObjects().held(repositoryId, oids));
    }

    /** Those the mirror has recorded, and of the others those the primary says the repository holds. */
    @Override
    public Map<LfsOid, Long> heldOf(long repositoryId, Collection<LfsPointer> asked) {
        Map<LfsOid, Long> known = new java.util.HashMap<>(held(repositoryId,
                asked.stream().map(LfsPointer::oid).toList()));
        List<LfsPointer> unknown = asked.stream().filter(pointer -> !known.containsKey(pointer.oid())).distinct()
                .toList();
        if (unknown.isEmpty()) {
            return known;
        }
        try {
            confirm(carried(repositoryId), unknown).forEach(pointer -> known.put(pointer.oid(), pointer.size()));
        } catch (Unavailable e) {
            throw new PartlyUnknown(known, e.getMessage());
        }
        return known;
    }

    @Override
    public LfsContent open(long repositoryId, LfsOid oid) {
        Long size = held(repositoryId, List.of(oid)).get(oid);
        if (size == null) {
            throw new NotFound("oid", "Object " + oid + " does not exist in this repository.");
        }
        return serve(repositoryId, new LfsPointer(oid, size));
    }

    /**
     * In a farm the batch may have been answered by another node, which recorded the object and signed the token
     * with the farm's key: the grant stands for that record here. An object this node lacks is still fetched only
     * once the primary confirms the repository holds it.
     */
    @Override
    public LfsContent openGranted(long repositoryId, LfsPointer granted) {
        Long recorded = held(repositoryId, List.of(granted.oid())).get(granted.oid());
        if (recorded == null) {
            // Not for a repository this node no longer carries, even while the token lasts.
            carried(repositoryId);
        }
        return serve(repositoryId, recorded == null ? granted : new LfsPointer(granted.oid(), recorded));
    }

    private LfsContent serve(long repositoryId, LfsPointer pointer) {
        if (objects.size(pointer.oid()).isEmpty()) {
            fetchOnce(carried(repositoryId), pointer);
        }
        LfsContent content = objects.open(pointer.oid());
        return new LfsContent(content.size(), new CountingInputStream(content.stream(), traffic::onServed));
    }

    @Override
    public void receive(long repositoryId, LfsPointer pointer, InputStream body) {
        throw new PermissionDenied("A mirror does not take Git LFS uploads itself: they go to the primary.");
    }

    @Override
    public LfsUsage usage(long repositoryId) {
        return store.inTransaction(tx -> tx.lfsObjects().usage(repositoryId));
    }

    /**
     * Fetches the objects of {@code pointers} the repository holds on the primary and this mirror lacks, as a
     * prefetch after a sync does.
     *
     * @return how many objects were fetched
     */
    public int prefetch(long repositoryId, Collection<LfsPointer> pointers) {
        MirroredRepository repository = carried(repositoryId);
        List<LfsPointer> missing = pointers.stream().filter(pointer -> objects.size(pointer.oid()).isEmpty())
                .distinct().toList();
        if (missing.isEmpty()) {
            return 0;
        }
        Map<LfsOid, Long> recorded = held(repositoryId, missing.stream().map(LfsPointer::oid).toList());
        // One fetch per oid, at the size on record or the one the primary confirms, whatever sizes pointers claim.
        Map<LfsOid, LfsPointer> held = new LinkedHashMap<>();
        missing.stream().filter(p -> recorded.containsKey(p.oid()))
                .forEach(p -> held.putIfAbsent(p.oid(), new LfsPointer(p.oid(), recorded.get(p.oid()))));
        confirm(repository, missing.stream().filter(p -> !recorded.containsKey(p.oid())).toList())
                .forEach(p -> held.putIfAbsent(p.oid(), p));
        for (LfsPointer pointer : held.values()) {
            fetchOnce(repository, pointer);
        }
        return held.size();
    }

    /**
     * A repository is going (its Git data kept aside for the window): the files of its objects count their age
     * from now, so the purge keeps them as long, and carrying it again re-downloads nothing.
     */
    public void releasing(long repositoryId) {
        store.inTransaction(tx -> tx.lfsObjects().oidsOf(repositoryId)).forEach(objects::restartAge);
    }

    /**
     * Deletes the files of objects no carried repository has held since {@code olderThan} (those of repositories
     * this mirror no longer carries), and fetches left unfinished before then.
     *
     * @return how many objects were deleted
     */
    public int purgeUnheld(Instant olderThan) {
        int purged = objects.purge(olderThan, oid -> store.inTransaction(tx -> tx.lfsObjects().heldByAny(oid)));
        if (purged > 0) {
            log.info("purged {} Git LFS objects no carried repository holds", purged);
        }
        return purged;
    }

    /** Asks the primary which of {@code pointers} the repository holds, and records those. */
    private List<LfsPointer> confirm(MirroredRepository repository, List<LfsPointer> pointers) {
        if (pointers.isEmpty()) {
            return List.of();
        }
        List<LfsPointer> confirmed = List.copyOf(upstream.downloads(repository, pointers).keySet());
        store.inTransaction(tx -> {
            confirmed.forEach(pointer -> tx.lfsObjects().add(repository.id(), pointer));
            return null;
        });
        return confirmed;
    }

    /** One fetch per object at a time: whoever asks while it runs waits for it, and shares its outcome. */
    private void fetchOnce(MirroredRepository repository, LfsPointer pointer) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = fetching.putIfAbsent(new Fetch(repository.id(), pointer.oid()), mine);
        if (running != null) {
            try {
                running.get(waitForFetch.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : new Unavailable(e.getCause().toString());
            } catch (TimeoutException e) {
                throw new TimedOut("Git LFS object " + pointer.oid() + " is still on its way from the primary after "
                        + waitForFetch.toSeconds() + " s; try again shortly.");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("Interrupted while waiting for Git LFS object " + pointer.oid() + ".");
            }
            return;
        }
        try {
            // Another request may have finished fetching it between our look and our claim.
            if (objects.size(pointer.oid()).isEmpty()) {
                fetchFromPrimary(repository, pointer);
            }
            mine.complete(null);
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            fetching.remove(new Fetch(repository.id(), pointer.oid()), mine);
        }
    }

    private void fetchFromPrimary(MirroredRepository repository, LfsPointer pointer) {
        UpstreamLfs.Download download = upstream.downloads(repository, List.of(pointer)).get(pointer);
        if (download == null) {
            throw new NotFound("oid", "The primary no longer holds Git LFS object " + pointer.oid() + " in "
                    + repository.projectKey().value() + "/" + repository.slug().value() + ".");
        }
        long started = System.nanoTime();
        upstream.fetch(pointer, download, objects, traffic::onFetched);
        log.info("repository {}: Git LFS object {} ({} bytes) fetched from the primary in {} ms", repository.id(),
                pointer.oid(), pointer.size(), (System.nanoTime() - started) / 1_000_000);
    }

    private MirroredRepository carried(long repositoryId) {
        return store.inTransaction(tx -> tx.repositories().find(repositoryId))
                .orElseThrow(() -> new NotFound("repository", "This mirror no longer carries the repository."));
    }
}
