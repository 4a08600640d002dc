package dev.facet.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.store.MirrorStore;
import dev.facet.git.MirrorFetcher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync engine's single-flight and its bound, with a fetch source the test holds and releases. */
class SyncEngineTest {
    private static final long WAIT_SECONDS = 10;

    @TempDir
    Path home;
    private MirrorStore store;
    private final HeldFetches fetches = new HeldFetches();
    private final List<Long> barrierPassedFor = new CopyOnWriteArrayList<>();
    private SyncEngine engine;

    /** A fetch source whose every fetch waits until the test releases it. */
    private static final class HeldFetches implements FetchSource {
        final BlockingQueue<Fetch> started = new LinkedBlockingQueue<>();
        final AtomicInteger running = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        final AtomicInteger total = new AtomicInteger();

        record Fetch(long repositoryId, CompletableFuture<Void> release) {
        }

        @Override
        public MirrorFetcher.Outcome fetch(Repository local, MirroredRepository repository,
                                MirrorFetcher.DestructiveChanges destructive,
                                           MirrorFetcher.BeforeRefsMove beforeRefsMove) throws IOException {
            mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
            total.incrementAndGet();
            try {
                Fetch fetch = new Fetch(repository.id(), new CompletableFuture<>());
                started.add(fetch);
                fetch.release().get(WAIT_SECONDS, TimeUnit.SECONDS);
                beforeRefsMove.objectsHeld(Map.of());
                return new MirrorFetcher.Outcome(0, 0, null, RefsHash.of(Map.of()));
            } catch (Exception e) {
                throw new IOException("the test never released this fetch", e);
            } finally {
                running.decrementAndGet();
            }
        }

        Fetch nextStarted() throws InterruptedException {
            Fetch fetch = started.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(fetch).as("a fetch started").isNotNull();
            return fetch;
        }
    }

    @BeforeEach
    void open() {
        store = TestMirrorStores.open(home);
        TestMirrorStores.save(store, TestMirrorStores.link(UpstreamState.INSTALLED));
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.stop();
        }
        store.close();
    }

    private SyncEngine engine(int parallelism) {
        return engine(parallelism, repositoryId -> target -> barrierPassedFor.add(repositoryId));
    }

    private SyncEngine engine(int parallelism, RefUpdateBarrier barrier) {
        Clock clock = Clock.systemUTC();
        UpstreamLifecycle lifecycle = new UpstreamLifecycle(store, clock, Optional.of(TestMirrorStores.UPSTREAM_URL));
        engine = new SyncEngine(store, new InMemoryRepositoryStore(), lifecycle, fetches, barrier,
                new UpstreamGuard(store, clock), clock, parallelism, SyncObserver.NONE);
        return engine;
    }

    @Test
    void aBurstOfRequestsForOneRepositoryWhileItIsFetchedCostsOneMoreFetch() throws Exception {
        TestMirrorStores.carried(store, 1);
        SyncEngine engine = engine(4);

        engine.request(1);
        HeldFetches.Fetch first = fetches.nextStarted();
        List<CompletableFuture<Void>> burst = List.of(engine.syncAndWait(1), engine.syncAndWait(1),
                engine.syncAndWait(1), engine.syncAndWait(1), engine.syncAndWait(1));
        first.release().complete(null);
        HeldFetches.Fetch second = fetches.nextStarted();
        second.release().complete(null);
        CompletableFuture.allOf(burst.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(fetches.total).hasValue(2);
        assertThat(fetches.mostAtOnce).hasValue(1);
        assertThat(second.repositoryId()).isEqualTo(1);
    }

    @Test
    void aWaiterIsAnsweredByAFetchThatStartedAfterItAskedNotByTheOneRunning() throws Exception {
        TestMirrorStores.carried(store, 1);
        SyncEngine engine = engine(4);

        engine.request(1);
        HeldFetches.Fetch running = fetches.nextStarted();
        CompletableFuture<Void> pushedMeanwhile = engine.syncAndWait(1);
        running.release().complete(null);
        HeldFetches.Fetch next = fetches.nextStarted();

        assertThat(pushedMeanwhile).isNotDone();
        next.release().complete(null);
        pushedMeanwhile.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void differentRepositoriesAreFetchedInParallelUpToTheBound() throws Exception {
        for (long id = 1; id <= 3; id++) {
            TestMirrorStores.carried(store, id);
        }
        SyncEngine engine = engine(2);

        List<CompletableFuture<Void>> done = List.of(engine.syncAndWait(1), engine.syncAndWait(2),
                engine.syncAndWait(3));
        HeldFetches.Fetch one = fetches.nextStarted();
        HeldFetches.Fetch two = fetches.nextStarted();
        // The third waits for a worker: both are held by fetches that have not finished.
        assertThat(fetches.started.poll(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(List.of(one.repositoryId(), two.repositoryId())).doesNotHaveDuplicates();

        one.release().complete(null);
        HeldFetches.Fetch three = fetches.nextStarted();
        two.release().complete(null);
        three.release().complete(null);
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(fetches.mostAtOnce).hasValue(2);
        assertThat(fetches.total).hasValue(3);
    }

    @Test
    void theRefsMoveOnlyThroughTheBarrierAndTheSyncIsRecorded() throws Exception {
        TestMirrorStores.carried(store, 7);
        SyncEngine engine = engine(1);

        CompletableFuture<Void> done = engine.syncAndWait(7);
        HeldFetches.Fetch fetch = fetches.nextStarted();
        assertThat(barrierPassedFor).isEmpty();
        fetch.release().complete(null);
        done.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(barrierPassedFor).containsExactly(7L);
        MirroredRepository synced = store.inTransaction(tx -> tx.repositories().find(7)).orElseThrow();
        assertThat(synced.syncRequested()).isFalse();
        assertThat(synced.localRefsHash()).isEqualTo(RefsHash.of(Map.of()).value());
    }

    @Test
    void aStateTheFarmSupersededWhileItWasFetchedIsFetchedAgainWithoutBackOff() throws Exception {
        TestMirrorStores.carried(store, 3);
        AtomicInteger crossings = new AtomicInteger();
        CompletableFuture<Void> movedOnTheSecond = new CompletableFuture<>();
        SyncEngine engine = engine(1, repositoryId -> target -> {
            if (crossings.incrementAndGet() == 1) {
                return false;
            }
            movedOnTheSecond.complete(null);
            return true;
        });

        CompletableFuture<Void> done = engine.syncAndWait(3);
        fetches.nextStarted().release().complete(null);
        done.get(WAIT_SECONDS, TimeUnit.SECONDS);
        HeldFetches.Fetch again = fetches.started.poll(1, TimeUnit.SECONDS);

        assertThat(again).as("fetched again at once, not after a failure's back-off").isNotNull();
        again.release().complete(null);
        movedOnTheSecond.get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(fetches.started.poll(300, TimeUnit.MILLISECONDS)).as("and then no more").isNull();
        assertThat(fetches.total).hasValue(2);
    }
}
