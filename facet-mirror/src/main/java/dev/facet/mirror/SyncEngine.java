package dev.facet.mirror;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.MirrorFetcher;
import dev.facet.git.MirrorRefs;
import dev.facet.git.RepositoryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final AdaptiveFetchLimit limit;
    /** Repositories whose fetch waits for a free place under {@link #limit}, in the order they were asked for. */
    private final ArrayDeque<Long> waiting = new ArrayDeque<>();
    /** Fetches running now; guarded by {@link #waiting}. */
    private int running;
    private final Map<Long, Flight> flights = new ConcurrentHashMap<>();
    /** Where finished syncs are recorded: workers that finish at once share a commit. */
    private final GroupCommit records;
    /** A failed or contradicted fetch is tried again after this, doubling up to {@link #RETRY_MAX}. */
    static final Duration RETRY_FIRST = Duration.ofSeconds(2);
    static final Duration RETRY_MAX = Duration.ofMinutes(1);
    private final SignedRefsCheck signedRefs = new SignedRefsCheck();
    private final Map<Long, Backoff> retries = new ConcurrentHashMap<>();
    private final ScheduledExecutorService retryTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "facet-sync-retry");
        thread.setDaemon(true);
        return thread;
    });

    /** One repository's sync in progress: whether more work arrived meanwhile, and who waits for it. */
    private static final class Flight {
        boolean dirty;
        List<CompletableFuture<Void>> waitingForNext = new ArrayList<>();
        List<CompletableFuture<Void>> waitingForThis = new ArrayList<>();
    }

    /**
     * Runs at most {@code parallelism} fetches at once, on threads it owns until {@link #stop}; fewer while the
     * fetches' times say the upstream is saturated ({@link AdaptiveFetchLimit}).
     */
    public SyncEngine(MirrorStore store, RepositoryStore repositories, UpstreamLifecycle lifecycle, FetchSource source,
                      RefUpdateBarrier barrier, UpstreamGuard guard, Clock clock, int parallelism, SyncObserver observer) {
        this.guard = guard;
        this.store = store;
        this.records = new GroupCommit(store);
        this.repositories = repositories;
        this.lifecycle = lifecycle;
        this.source = source;
        this.barrier = barrier;
        this.clock = clock;
        this.observer = observer;
        this.limit = AdaptiveFetchLimit.forMachine(parallelism);
        AtomicInteger threads = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(parallelism, r -> {
            Thread thread = new Thread(r, "facet-sync-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Resumes the work a previous run left owed. */
    public void start() {
        requestAll(store.inTransaction(tx -> tx.repositories().all()).stream()
                .filter(repository -> repository.syncRequested() || repository.localRefsHash() == null)
                .map(MirroredRepository::id)
                .toList());
    }

    public void stop() {
        retryTimer.shutdownNow();
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

    /**
     * Asks for syncs of many repositories at once, as a reconciliation does: the owed work is recorded in one
     * transaction, then each repository is queued as {@link #request} queues it.
     */
    public void requestAll(Collection<Long> repositoryIds) {
        if (repositoryIds.isEmpty()) {
            return;
        }
        store.inTransaction(tx -> {
            tx.repositories().markSyncRequested(repositoryIds);
            return null;
        });
        repositoryIds.forEach(this::queue);
    }

    /** Syncs the repository and completes once a fetch that started after this call has finished. */
    public CompletableFuture<Void> syncAndWait(long repositoryId) {
        return enqueue(repositoryId);
    }

    private CompletableFuture<Void> enqueue(long repositoryId) {
        store.inTransaction(tx -> {
            tx.repositories().markSyncRequested(List.of(repositoryId));
            return null;
        });
        return queue(repositoryId);
    }

    /** Starts a fetch of a repository whose owed sync is recorded, or marks a running one dirty. */
    private CompletableFuture<Void> queue(long repositoryId) {
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
        synchronized (waiting) {
            waiting.add(repositoryId);
        }
        dispatch();
    }

    /** Starts waiting fetches while there is room under the limit. */
    private void dispatch() {
        while (true) {
            long next;
            synchronized (waiting) {
                if (waiting.isEmpty() || running >= limit.current()) {
                    return;
                }
                next = waiting.poll();
                running++;
            }
            try {
                workers.execute(() -> runThenDispatch(next));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                synchronized (waiting) {
                    running--;
                }
                log.debug("repository {}: sync not started, the engine is stopping", next);
                return;
            }
        }
    }

    private void runThenDispatch(long repositoryId) {
        try {
            run(repositoryId);
        } finally {
            synchronized (waiting) {
                running--;
            }
            dispatch();
        }
    }

    /** How many fetches may run at once now. */
    public int fetchLimit() {
        return limit.current();
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
        String signedHash = repository.upstreamRefsHash();
        // Only a fetch whose refs are the latest the upstream signed may delete or rewind, asked as the refs arrive.
        MirrorFetcher.DestructiveChanges destructive = advertised -> guard.destructiveChangesAllowed()
                && SignedRefsCheck.destructiveAllowed(store.inTransaction(tx -> tx.repositories().find(repositoryId))
                        .map(MirroredRepository::upstreamRefsHash).orElse(null), advertised);
        MirrorFetcher.BeforeRefsMove crossing = barrier.beginSync(repositoryId);
        AtomicBoolean superseded = new AtomicBoolean();
        try (Repository local = repositories.open(repositoryId)) {
            outcome = source.fetch(local, repository, destructive, target -> {
                boolean move = crossing.objectsHeld(target);
                superseded.set(!move);
                return move;
            });
        } catch (MirrorFetcher.RepositoryGone e) {
            return onNotFound(repository);
        } catch (MirrorRefs.MovedMeanwhile e) {
            // A farm node's read gate or vet moved the refs to the published state while this fetch ran: plan again.
            log.debug("repository {}: refs moved meanwhile ({}); fetching again", repositoryId, e.getMessage());
            request(repositoryId);
            return true;
        } catch (MirrorFetcher.CredentialsRefused | java.io.IOException e) {
            log.warn("repository {} {}/{}: fetch failed: {}", repositoryId, repository.projectKey(), repository.slug(),
                    e.getMessage());
            retryLater(repositoryId);
            return false;
        }
        long fetchMillis = (System.nanoTime() - fetchStarted) / 1_000_000;
        limit.fetched(fetchMillis);
        if (outcome.headTarget() != null) {
            repositories.setHead(repositoryId, outcome.headTarget());
        }
        // A first fetch that brought objects is repacked for its bitmap; an empty repository has nothing to pack.
        if (first && outcome.bytesReceived() > 0 || repositories.packCount(repositoryId) > MAX_PACKS) {
            repositories.repack(repositoryId);
        }
        String localHash = repositories.refsHash(repositoryId).value();
        Instant now = clock.instant();
        // Read again in the transaction that records the fetch: an event may have brought a newer signed state. The
        // transaction may be shared with other workers' records: the refs are already on disk, so until it commits
        // the database only lags behind them.
        String signedNow = records.inTransaction(tx -> tx.repositories().find(repositoryId).map(current -> {
                // With no signed hash yet (a repository just created), what was fetched stands in for one until an
                // event or a reconciliation brings it; that fetch could only add, never delete or rewind.
                String upstreamHash = current.upstreamRefsHash() == null ? localHash : current.upstreamRefsHash();
                boolean matches = localHash.equals(upstreamHash);
                tx.repositories().save(new MirroredRepository(current.id(), current.projectKey(), current.slug(),
                        current.name(), current.isPublic(), upstreamHash, localHash, false, now,
                        matches ? null : current.behindSince() == null ? now : current.behindSince()));
                return current.upstreamRefsHash();
            }).orElse(signedHash));
        if (superseded.get()) {
            // The farm published another state while this one was fetched; what was fetched was not applied, so
            // it says nothing about the upstream's answers: fetch again from the state the node now holds.
            log.debug("repository {}: the farm published another state meanwhile; fetching again", repositoryId);
            request(repositoryId);
            return true;
        }
        if (!heldToSignedState(repository, signedNow, outcome.advertised(), localHash)) {
            return false;
        }
        retries.remove(repositoryId);
        long millis = (System.nanoTime() - started) / 1_000_000;
        observer.onSynced(repositoryId, localHash, millis, outcome.bytesReceived());
        log.debug("repository {} {}/{}: synced {} refs in {} ms ({} ms fetching)", repositoryId,
                repository.projectKey(), repository.slug(), outcome.refsUpdated(), millis, fetchMillis);
        return true;
    }

    /**
     * Judges what a fetch advertised against the latest signed state.
     *
     * @return whether the fetch counts as done; when not, a retry is scheduled
     */
    private boolean heldToSignedState(MirroredRepository repository, String signedHash,
                                      RefsHash advertised, String localHash) {
        long id = repository.id();
        SignedRefsCheck.Verdict verdict = signedRefs.judge(id, signedHash, advertised);
        switch (verdict) {
            case SIGNED, UNSIGNED -> {
                if (verdict == SignedRefsCheck.Verdict.SIGNED && !localHash.equals(advertised.value())
                        && guard.destructiveChangesAllowed()) {
                    // The signed state caught up with the answer during the fetch: fetch again to apply all of it.
                    request(id);
                }
                return true;
            }
            case CONTRADICTED -> {
                log.info("repository {} {}/{}: the Git answer ({}) is not the signed state ({}); applied additions "
                        + "only, trying again", id, repository.projectKey(), repository.slug(), advertised, signedHash);
                retryLater(id);
                return false;
            }
            default -> {
                guard.raise(UpstreamAlert.Kind.ANSWER_ALTERED, lifecycle.current(), "the Git fetches of repository "
                        + repository.projectKey() + "/" + repository.slug() + " advertise refs (" + advertised
                        + ") other than the signed state (" + signedHash + ") again and again; nothing was deleted "
                        + "or rewound");
                retryLater(id);
                return false;
            }
        }
    }

    /**
     * The Git endpoint said "not found". Unsigned, it removes nothing: only a signed REPOSITORY_DELETED event or
     * the repository's absence from the signed states does. Said again and again for a repository the signed
     * state still lists, it is an altered answer.
     */
    private boolean onNotFound(MirroredRepository repository) {
        long id = repository.id();
        MirroredRepository current = store.inTransaction(tx -> tx.repositories().find(id)).orElse(null);
        if (current == null) {
            return true;
        }
        log.warn("repository {} {}/{}: the Git endpoint answers 'not found'; kept, since only the signed state "
                + "removes a repository, and tried again", id, repository.projectKey(), repository.slug());
        if (signedRefs.judgeMissing(id, current.upstreamRefsHash()) == SignedRefsCheck.Verdict.ALTERED) {
            guard.raise(UpstreamAlert.Kind.ANSWER_ALTERED, lifecycle.current(), "the Git fetches of repository "
                    + repository.projectKey() + "/" + repository.slug() + " answer 'not found' again and again, "
                    + "while the signed state lists it; nothing was removed");
        }
        retryLater(id);
        return false;
    }

    /** Fetches the repository again after a back-off of its own, so a failing repository does not spin. */
    private void retryLater(long repositoryId) {
        Backoff backoff = retries.computeIfAbsent(repositoryId, id -> new Backoff(RETRY_FIRST, RETRY_MAX));
        Duration wait;
        synchronized (backoff) {
            wait = backoff.next();
        }
        try {
            retryTimer.schedule(() -> request(repositoryId), wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("repository {}: no retry, the engine is stopping", repositoryId);
        }
    }

    /** Stops carrying a repository: its row goes, its files are kept aside until the retention window ends. */
    public void remove(long repositoryId) {
        observer.onRemoving(repositoryId);
        retries.remove(repositoryId);
        signedRefs.forget(repositoryId);
        store.inTransaction(tx -> {
            tx.repositories().delete(repositoryId);
            return null;
        });
        repositories.keepAside(repositoryId, clock.instant());
        barrier.removed(repositoryId);
    }

    /** Whether a sync of the repository is running or owed now: its fetch may be about to move the refs. */
    public boolean isSyncing(long repositoryId) {
        return flights.containsKey(repositoryId);
    }
}
