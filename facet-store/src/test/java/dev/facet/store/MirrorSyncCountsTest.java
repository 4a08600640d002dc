package dev.facet.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.store.MirrorStore;
import dev.facet.core.store.MirroredRepositories;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The counts and worst lags a mirror reports come from the sync state each save records: they follow every change
 * of a repository's hashes, on both databases a mirror can run on.
 */
class MirrorSyncCountsTest {
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
                        .reduce(dev.facet.core.mirror.StateDigest.ZERO, dev.facet.core.mirror.StateDigest::plus).hex());
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
