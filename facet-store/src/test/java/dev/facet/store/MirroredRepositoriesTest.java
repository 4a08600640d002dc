package dev.facet.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.mirror.ProjectDigest;
import dev.facet.core.mirror.StateDigest;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.store.MirrorStore;
import dev.facet.core.store.MirroredRepositories;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a mirror's database reports about the repositories it holds — counts, worst lags, per-project digest sums —
 * follows every save and delete, on both databases a mirror can run on, however much of it is kept between reads.
 */
class MirroredRepositoriesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T06:00:00Z");

    @RegisterExtension
    final FreshPostgresDatabase postgres = new FreshPostgresDatabase();

    @TempDir
    Path directory;

    @Test
    void countsAndLagsFollowEverySaveOnH2() {
        try (MirrorStore store = JdbcMirrorStore.open(DatabaseSettings.embeddedH2(directory))) {
            countsAndLagsFollowEverySave(store);
        }
    }

    @Test
    void countsAndLagsFollowEverySaveOnPostgres() {
        try (MirrorStore store = JdbcMirrorStore.open(postgres.settings())) {
            countsAndLagsFollowEverySave(store);
        }
    }

    @Test
    void projectSumsFollowEverySaveMoveAndDeleteOnH2() throws Exception {
        try (MirrorStore store = JdbcMirrorStore.open(DatabaseSettings.embeddedH2(directory))) {
            projectSumsFollowEverySaveMoveAndDelete(store);
        }
    }

    @Test
    void projectSumsFollowEverySaveMoveAndDeleteOnPostgres() throws Exception {
        try (MirrorStore store = JdbcMirrorStore.open(postgres.settings())) {
            projectSumsFollowEverySaveMoveAndDelete(store);
        }
    }

    private static void projectSumsFollowEverySaveMoveAndDelete(MirrorStore store) throws Exception {
        Map<Long, MirroredRepository> held = new HashMap<>();
        Consumer<MirroredRepository> saved = repository -> {
            save(store, repository);
            held.put(repository.id(), repository);
        };
        saved.accept(repository(1, "ALPHA", "a1"));
        saved.accept(repository(2, "ALPHA", "b1"));
        saved.accept(repository(3, "BETA", "c1"));
        assertThat(projectSums(store)).isEqualTo(expectedSums(held));

        saved.accept(repository(2, "ALPHA", "b2"));
        assertThat(projectSums(store)).isEqualTo(expectedSums(held));

        // Moved to another project: BETA has no repository left and is gone from the sums.
        saved.accept(repository(3, "ALPHA", "c1"));
        assertThat(projectSums(store)).isEqualTo(expectedSums(held)).doesNotContainKey("BETA");

        store.inTransaction(tx -> {
            tx.repositories().delete(1);
            return null;
        });
        held.remove(1L);
        assertThat(projectSums(store)).isEqualTo(expectedSums(held));

        // A save still open while the sums are read is not in them, and is in the next read once it has committed.
        CountDownLatch savedButOpen = new CountDownLatch(1);
        CountDownLatch readMeanwhile = new CountDownLatch(1);
        Map<String, ProjectDigest> before = projectSums(store);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try {
            Future<?> open = writer.submit(() -> store.inTransaction(tx -> {
                tx.repositories().save(repository(4, "GAMMA", "d1"));
                savedButOpen.countDown();
                await(readMeanwhile);
                return null;
            }));
            await(savedButOpen);
            assertThat(projectSums(store)).isEqualTo(before);
            readMeanwhile.countDown();
            open.get(30, TimeUnit.SECONDS);
        } finally {
            writer.shutdownNow();
        }
        held.put(4L, repository(4, "GAMMA", "d1"));
        assertThat(projectSums(store)).isEqualTo(expectedSums(held)).containsKey("GAMMA");
    }

    private static MirroredRepository repository(long id, String projectKey, String localHash) {
        return new MirroredRepository(id, ProjectKey.of(projectKey), RepositorySlug.of("repo-" + id), "repo-" + id,
                true, localHash, localHash, false, null, null);
    }

    private static Map<String, ProjectDigest> projectSums(MirrorStore store) {
        Map<String, ProjectDigest> sums = new HashMap<>();
        store.inTransaction(tx -> tx.repositories().projectDigests()).forEach(p -> sums.put(p.projectKey(), p));
        return sums;
    }

    /** The sums as the definition has them: each project's repositories' served digests added up. */
    private static Map<String, ProjectDigest> expectedSums(Map<Long, MirroredRepository> held) {
        Map<String, ProjectDigest> sums = new HashMap<>();
        for (MirroredRepository repository : held.values()) {
            String key = repository.projectKey().value();
            ProjectDigest sum = sums.getOrDefault(key, new ProjectDigest(key, 0, StateDigest.ZERO, 0));
            sums.put(key, new ProjectDigest(key, 0, sum.digest().plus(repository.servedDigest()), sum.repositories() + 1));
        }
        return sums;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other transaction did not get there within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRequestedSyncIsRecordedWithoutChangingCountsOnH2() {
        try (MirrorStore store = JdbcMirrorStore.open(DatabaseSettings.embeddedH2(directory))) {
            aRequestedSyncIsRecordedWithoutChangingCounts(store);
        }
    }

    @Test
    void aRequestedSyncIsRecordedWithoutChangingCountsOnPostgres() {
        try (MirrorStore store = JdbcMirrorStore.open(postgres.settings())) {
            aRequestedSyncIsRecordedWithoutChangingCounts(store);
        }
    }

    private static void aRequestedSyncIsRecordedWithoutChangingCounts(MirrorStore store) {
        save(store, repository(1, "a", "a", null));
        save(store, repository(2, "b2", "b1", T0));
        save(store, repository(3, "c", null, null));
        MirroredRepository third = store.inTransaction(tx -> tx.repositories().find(3)).orElseThrow();

        store.inTransaction(tx -> {
            tx.repositories().markSyncRequested(List.of(2L, 3L, 99L));
            return null;
        });

        assertThat(store.inTransaction(tx -> tx.repositories().all()).stream()
                .filter(MirroredRepository::syncRequested).map(MirroredRepository::id).toList()).containsExactly(2L, 3L);
        assertThat(store.inTransaction(tx -> tx.repositories().find(3)).orElseThrow()).isEqualTo(
                new MirroredRepository(3, third.projectKey(), third.slug(), third.name(), third.isPublic(),
                        third.upstreamRefsHash(), third.localRefsHash(), true, third.lastSyncedAt(), third.behindSince()));
        assertThat(counts(store)).isEqualTo(new MirroredRepositories.Counts(3, 1, 1));
        assertThat(store.inTransaction(tx -> tx.repositories().projectDigests()).get(0).digest().hex())
                .isEqualTo(java.util.stream.Stream.of(1L, 2L, 3L)
                        .map(id -> store.inTransaction(tx -> tx.repositories().find(id)).orElseThrow().servedDigest())
                        .reduce(StateDigest.ZERO, StateDigest::plus).hex());
    }

    private static void countsAndLagsFollowEverySave(MirrorStore store) {
        save(store, repository(1, "a", "a", null));
        save(store, repository(2, "b2", "b1", T0.plusSeconds(10)));
        save(store, repository(3, "c2", "c1", T0));
        save(store, repository(4, "d", null, null));
        save(store, repository(5, null, "e", null));

        assertThat(counts(store)).isEqualTo(new MirroredRepositories.Counts(5, 1, 1));
        assertThat(longestBehind(store, 5)).containsExactly(3L, 2L, 4L, 5L);
        assertThat(longestBehind(store, 1)).containsExactly(3L);

        // Repository 3 catches up; repository 1 falls behind without a time (its upstream moved).
        save(store, repository(3, "c2", "c2", null));
        save(store, repository(1, "a2", "a", null));
        assertThat(counts(store)).isEqualTo(new MirroredRepositories.Counts(5, 1, 1));
        assertThat(longestBehind(store, 5)).containsExactly(2L, 1L, 4L, 5L);

        // A first copy of repository 4, at its upstream's state; repository 1 removed.
        save(store, repository(4, "d", "d", null));
        store.inTransaction(tx -> {
            tx.repositories().delete(1);
            return null;
        });
        assertThat(counts(store)).isEqualTo(new MirroredRepositories.Counts(4, 2, 0));
        assertThat(longestBehind(store, 5)).containsExactly(2L, 5L);
    }

    private static MirroredRepository repository(long id, String upstreamHash, String localHash, Instant behindSince) {
        return new MirroredRepository(id, ProjectKey.of("PRJ"), RepositorySlug.of("repo-" + id), "repo-" + id, false,
                upstreamHash, localHash, false, null, behindSince);
    }

    private static void save(MirrorStore store, MirroredRepository repository) {
        store.inTransaction(tx -> {
            tx.repositories().save(repository);
            return null;
        });
    }

    private static MirroredRepositories.Counts counts(MirrorStore store) {
        return store.inTransaction(tx -> tx.repositories().counts());
    }

    private static List<Long> longestBehind(MirrorStore store, int limit) {
        return store.inTransaction(tx -> tx.repositories().longestBehind(limit)).stream()
                .map(MirroredRepository::id).toList();
    }
}
