package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kept refs are purged once their window has passed, whether they were kept before the store started (found by the
 * first purge, which reads every repository) or after (found through the repository's mark, without reading the
 * others).
 */
class KeptRefsPurgeTest {
    private static final Instant KEPT_AT = Instant.parse("2026-11-30T12:00:00Z");
    private static final String MAIN = "refs/heads/main";

    @TempDir
    Path home;

    @Test
    void keptRefsFromBeforeAndAfterTheStartArePurgedAndOnlyMarkedRepositoriesAreVisitedLater() throws IOException {
        Path root = home.resolve("repositories");
        LocalDiskRepositoryStore earlier = new LocalDiskRepositoryStore(root);
        for (long id = 1; id <= 3; id++) {
            earlier.create(id);
        }
        keepMainAside(earlier, 1);
        // As an older version left it: a kept ref with no mark.
        Files.delete(KeptRefs.holderMark(root.resolve("1")));

        LocalDiskRepositoryStore store = new LocalDiskRepositoryStore(root);
        assertThat(store.purgeKept(KEPT_AT)).as("within the window").isZero();
        assertThat(marked(root)).as("found by the first purge, which reads every repository").containsExactly("1");

        keepMainAside(store, 2);
        assertThat(marked(root)).containsExactlyInAnyOrder("1", "2");

        // Repository 3 gets a kept ref no mark tells of: a later purge does not read it, so it stays.
        keepMainAside(store, 3);
        Files.delete(KeptRefs.holderMark(root.resolve("3")));

        assertThat(store.purgeKept(KEPT_AT.plusSeconds(1))).isEqualTo(2);
        assertThat(keptRefs(store, 1)).isEmpty();
        assertThat(keptRefs(store, 2)).isEmpty();
        assertThat(keptRefs(store, 3)).as("unmarked: not visited").hasSize(1);
        assertThat(marked(root)).as("nothing kept is left in the repositories visited").isEmpty();

        // A new store (a restart) reads every repository once again.
        assertThat(new LocalDiskRepositoryStore(root).purgeKept(KEPT_AT.plusSeconds(1))).isEqualTo(1);
        assertThat(keptRefs(store, 3)).isEmpty();
    }

    /** Points main at a commit, then deletes it the way a sync does, keeping it aside as of {@link #KEPT_AT}. */
    private static void keepMainAside(LocalDiskRepositoryStore store, long id) throws IOException {
        try (Repository repository = store.open(id)) {
            ObjectId commit = new Commits(repository).commit();
            MirrorRefs refs = new MirrorRefs(Clock.fixed(KEPT_AT, ZoneOffset.UTC));
            refs.moveTo(repository, Map.of(MAIN, commit));
            refs.moveTo(repository, Map.of());
        }
        assertThat(keptRefs(store, id)).hasSize(1);
    }

    private static List<Ref> keptRefs(LocalDiskRepositoryStore store, long id) throws IOException {
        try (Repository repository = store.open(id)) {
            return repository.getRefDatabase().getRefsByPrefix(KeptRefs.PREFIX);
        }
    }

    private static List<String> marked(Path root) throws IOException {
        Path marks = root.resolve(KeptRefs.HOLDERS);
        if (!Files.isDirectory(marks)) {
            return List.of();
        }
        try (var listed = Files.list(marks)) {
            return listed.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
