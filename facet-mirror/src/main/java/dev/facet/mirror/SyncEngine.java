package dev.facet.mirror;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.MirrorFetcher;
import dev.facet.git.RepositoryStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the mirror's repositories at the upstream's state. Work is per repository and
 * single-flight: a request while a fetch runs marks the repository dirty, and one more fetch
 * follows, so a burst of pushes costs at most two fetches. The owed work is kept in the
 * database, so a restart resumes it. Where the objects come from and when the refs may move are
 * the wiring's choice ({@link FetchSource}, {@link RefUpdateBarrier}).
 */
public final class SyncEngine {
    private static final Logger log = LoggerFactory.getLogger("facet.sync");
    /** Each fetch adds a pack; past this many (git's gc.autoPackLimit), the repository is repacked into one with a bitmap. */
    static final int MAX_PACKS = 50;

    private final MirrorStore store;
    private final RepositoryStore repositories;
    private final UpstreamLifecycle lifecycle;
    private final FetchSource source;
    private final RefUpdateBarrier barrier;
    private final Clock clock;
    private final SyncObserver observer;
    private final UpstreamGuard guard;
    private final ExecutorService workers;
    private final Map<Long, Flight> flights = new ConcurrentHashMap<>();

    /** One repository's sync in progress: whether more work arrived meanwhile, and who waits for it. */
    private static final class Flight {
        boolean dirty;
        List<CompletableFuture<Void>> waitingForNext = new ArrayList<>();
        List<CompletableFuture<Void>> waitingForThis = new ArrayList<>();
    }

    /** Runs at most {@code parallelism} fetches at once, on threads it owns until {@link #stop}. */
    public SyncEngine(MirrorStore store, RepositoryStore repositories, UpstreamLifecycle lifecycle, FetchSource source,
                      RefUpdateBarrier barrier, UpstreamGuard guard, Clock clock, int parallelism, SyncObserver observer) {
        this.guard = guard;
        this.store = store;
        this.repositories = repositories;
        this.lifecycle = lifecycle;
        this.source = source;
        this.barrier = barrier;
        this.clock = clock;
        this.observer = observer;
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(parallelism, r -> {
            Thread thread = new Thread(r, "facet-sync-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Resumes the work a previous run left owed. */
    public void start() {
        for (MirroredRepository repository : store.inTransaction(tx -> tx.repositories().all())) {
            if (repository.syncRequested() || repository.localRefsHash() == null) {
                request(repository.id());
            }
        }
    }

    public void stop() {
        workers.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks for a sync of the repository soon; returns at once. */
    public void request(long repositoryId) {
        enqueue(repositoryId);
    }

    /** Syncs the repository and completes once a fetch that started after this call has finished. */
    public CompletableFuture<Void> syncAndWait(long repositoryId) {
        return enqueue(repositoryId);
    }

    private CompletableFuture<Void> enqueue(long repositoryId) {
        markRequested(repositoryId);
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean start;
        synchronized (flights) {
            Flight flight = flights.get(repositoryId);
            if (flight == null) {
                flight = new Flight();
                flight.waitingForThis.add(done);
                flights.put(repositoryId, flight);
                start = true;
            } else {
                flight.dirty = true;
                flight.waitingForNext.add(done);
                start = false;
            }
        }
        if (start) {
            submit(repositoryId);
        }
        return done;
    }

    private void submit(long repositoryId) {
        try {
            workers.execute(() -> run(repositoryId));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("repository {}: sync not started, the engine is stopping", repositoryId);
        }
    }

    private void run(long repositoryId) {
        boolean succeeded = false;
        try {
            succeeded = syncOnce(repositoryId);
        } catch (RuntimeException e) {
            log.warn("repository {}: sync failed: {}", repositoryId, e.toString());
        }
        List<CompletableFuture<Void>> finished;
        boolean again;
        synchronized (flights) {
            Flight flight = flights.get(repositoryId);
            finished = flight.waitingForThis;
            again = flight.dirty;
            if (again) {
                flight.dirty = false;
                flight.waitingForThis = flight.waitingForNext;
                flight.waitingForNext = new ArrayList<>();
            } else {
                flights.remove(repositoryId);
            }
        }
        finished.forEach(f -> f.complete(null));
        if (!succeeded) {
            observer.onSyncFailed(repositoryId);
        }
        if (again) {
            submit(repositoryId);
        }
    }

    /** @return whether the repository now holds what the upstream advertised */
    private boolean syncOnce(long repositoryId) {
        MirroredRepository repository = store.inTransaction(tx -> tx.repositories().find(repositoryId)).orElse(null);
        if (repository == null) {
            return true;
        }
        UpstreamLink link = lifecycle.current();
        if (link.state() != UpstreamState.INSTALLED) {
            log.debug("repository {}: not synced while the mirror is {}", repositoryId, link.state());
            return false;
        }
        long started = System.nanoTime();
        boolean first = repository.localRefsHash() == null;
        if (!repositories.exists(repositoryId)) {
            repositories.create(repositoryId);
        }
        MirrorFetcher.Outcome outcome;
        long fetchStarted = System.nanoTime();
        try (Repository local = repositories.open(repositoryId)) {
            outcome = source.fetch(local, repository, guard.destructiveChangesAllowed(),
                    advertised -> barrier.awaitObjectsEverywhere(repositoryId, RefsHash.of(advertised)));
        } catch (MirrorFetcher.RepositoryGone e) {
            if (!guard.destructiveChangesAllowed()) {
                log.warn("repository {} {}/{}: gone upstream, kept while an upstream alert is open", repositoryId,
                        repository.projectKey(), repository.slug());
                return true;
            }
            log.info("repository {} {}/{}: gone upstream or not carried by this mirror; removing it", repositoryId,
                    repository.projectKey(), repository.slug());
            remove(repositoryId);
            return true;
        } catch (MirrorFetcher.CredentialsRefused | java.io.IOException e) {
            log.warn("repository {} {}/{}: fetch failed: {}", repositoryId, repository.projectKey(), repository.slug(),
                    e.getMessage());
            return false;
        }
        long fetchMillis = (System.nanoTime() - fetchStarted) / 1_000_000;
        if (outcome.headTarget() != null) {
            repositories.setHead(repositoryId, outcome.headTarget());
        }
        if (first || repositories.packCount(repositoryId) > MAX_PACKS) {
            repositories.repack(repositoryId);
        }
        String localHash = repositories.refsHash(repositoryId).value();
        Instant now = clock.instant();
        store.inTransaction(tx -> {
            tx.repositories().find(repositoryId).ifPresent(current -> {
                // Until an event or a reconciliation says otherwise, what was just fetched is the upstream's state.
                String upstreamHash = current.upstreamRefsHash() == null ? localHash : current.upstreamRefsHash();
                boolean matches = localHash.equals(upstreamHash);
                tx.repositories().save(new MirroredRepository(current.id(), current.projectKey(), current.slug(),
                        current.name(), current.isPublic(), upstreamHash, localHash, false, now,
                        matches ? null : current.behindSince() == null ? now : current.behindSince()));
            });
            return null;
        });
        long millis = (System.nanoTime() - started) / 1_000_000;
        observer.onSynced(repositoryId, millis, outcome.bytesReceived());
        log.debug("repository {} {}/{}: synced {} refs in {} ms ({} ms fetching)", repositoryId,
                repository.projectKey(), repository.slug(), outcome.refsUpdated(), millis, fetchMillis);
        return true;
    }

    /** Stops carrying a repository: its row goes, its files are kept aside until the retention window ends. */
    public void remove(long repositoryId) {
        store.inTransaction(tx -> {
            tx.repositories().delete(repositoryId);
            return null;
        });
        repositories.keepAside(repositoryId, clock.instant());
    }

    private void markRequested(long repositoryId) {
        store.inTransaction(tx -> {
            tx.repositories().find(repositoryId).filter(r -> !r.syncRequested()).ifPresent(r ->
                    tx.repositories().save(new MirroredRepository(r.id(), r.projectKey(), r.slug(), r.name(),
                            r.isPublic(), r.upstreamRefsHash(), r.localRefsHash(), true, r.lastSyncedAt(),
                            r.behindSince())));
            return null;
        });
    }
}
