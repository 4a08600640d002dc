package dev.facet.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.store.MirrorStore;
import dev.facet.core.store.MirrorTransaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers that record at once share a commit; each learns its own result, and one failure fails only its owner. */
class GroupCommitTest {
    @TempDir
    Path directory;

    private final ExecutorService threads = Executors.newFixedThreadPool(10);

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** The mirror's real database, counting the transactions it is asked for. */
    private static final class CountingStore implements MirrorStore {
        final MirrorStore store;
        final AtomicInteger transactions = new AtomicInteger();

        CountingStore(MirrorStore store) {
            this.store = store;
        }

        @Override
        public <T> T inTransaction(Function<MirrorTransaction, T> work) {
            transactions.incrementAndGet();
            return store.inTransaction(work);
        }

        @Override
        public void close() {
            store.close();
        }
    }

    @Test
    void workersThatFinishWhileACommitIsWrittenShareTheNextOne() throws Exception {
        try (CountingStore store = new CountingStore(TestMirrorStores.open(directory))) {
            GroupCommit commit = new GroupCommit(store);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> commit.inTransaction(tx -> {
                waitFor(release);
                return save(tx, 1);
            }), threads);
            await().atMost(Duration.ofSeconds(30)).until(() -> store.transactions.get() == 1);
            List<CompletableFuture<Long>> others = new ArrayList<>();
            for (long id = 2; id <= 9; id++) {
                long repositoryId = id;
                others.add(CompletableFuture.supplyAsync(() -> commit.inTransaction(tx -> save(tx, repositoryId)),
                        threads));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> commit.waiting() == 8);
            release.countDown();

            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(1L);
            for (int i = 0; i < others.size(); i++) {
                assertThat(others.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i + 2L);
            }
            assertThat(store.transactions.get()).isEqualTo(2);
            List<MirroredRepository> all = store.inTransaction(tx -> tx.repositories().all());
            assertThat(all).hasSize(9);
        }
    }

    @Test
    void aFailingPieceFailsOnlyItsOwnCaller() throws Exception {
        try (CountingStore store = new CountingStore(TestMirrorStores.open(directory))) {
            GroupCommit commit = new GroupCommit(store);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> commit.inTransaction(tx -> {
                waitFor(release);
                return save(tx, 1);
            }), threads);
            await().atMost(Duration.ofSeconds(30)).until(() -> store.transactions.get() == 1);
            CompletableFuture<Long> good = CompletableFuture.supplyAsync(() -> commit.inTransaction(tx -> save(tx, 2)),
                    threads);
            CompletableFuture<Long> bad = CompletableFuture.supplyAsync(() -> commit.inTransaction(tx -> {
                save(tx, 3);
                throw new IllegalStateException("refused");
            }), threads);
            await().atMost(Duration.ofSeconds(30)).until(() -> commit.waiting() == 2);
            release.countDown();

            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(1L);
            assertThat(good.get(30, TimeUnit.SECONDS)).isEqualTo(2L);
            assertThat(bad).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(
                    java.util.concurrent.ExecutionException.class).withRootCauseInstanceOf(IllegalStateException.class);
            List<MirroredRepository> all = store.inTransaction(tx -> tx.repositories().all());
            assertThat(all.stream().map(MirroredRepository::id).toList()).containsExactly(1L, 2L);
        }
    }

    private static long save(MirrorTransaction tx, long id) {
        tx.repositories().save(new MirroredRepository(id, ProjectKey.of("PRJ"), RepositorySlug.of("repo-" + id),
                "repo-" + id, false, "a", "a", false, null, null));
        return id;
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
