package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.Test;

/** The one step that moves a mirror's refs: atomic, compared with what it was planned from, and never to missing objects. */
class MirrorRefsTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String MAIN = "refs/heads/main";

    private final InMemoryRepository repository = new InMemoryRepository(new DfsRepositoryDescription("mirror"));
    private final Commits history = new Commits(repository);
    private final MirrorRefs refs = new MirrorRefs(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void aMovePlannedBeforeAnotherWriterMovedTheRefsFailsWholeAndMovesNothing() throws IOException {
        ObjectId base = history.commit();
        history.set(MAIN, base);
        ObjectId ours = history.commit(base);
        ObjectId theirs = history.commit(base);
        MirrorRefs.Move planned = refs.plan(repository, Map.of(MAIN, ours, "refs/tags/v1", base), true);

        history.set(MAIN, theirs);

        assertThatExceptionOfType(MirrorRefs.MovedMeanwhile.class).isThrownBy(() -> refs.apply(repository, planned));
        assertThat(MirrorRefs.read(repository)).isEqualTo(Map.of(MAIN, theirs));
    }

    @Test
    void aMoveAnotherWriterAlreadyMadeCountsAsDone() throws IOException {
        ObjectId base = history.commit();
        history.set(MAIN, base);
        ObjectId next = history.commit(base);
        MirrorRefs.Move planned = refs.plan(repository, Map.of(MAIN, next), true);

        history.set(MAIN, next);

        assertThat(refs.apply(repository, planned)).as("nothing left to move").isZero();
        assertThat(MirrorRefs.read(repository)).isEqualTo(Map.of(MAIN, next));
    }

    @Test
    void aMoveToExactRefsRewindsAndDeletesKeepingTheOldAside() throws IOException {
        ObjectId base = history.commit();
        ObjectId lost = history.commit(base);
        history.set(MAIN, lost);
        history.set("refs/heads/topic", base);

        refs.moveTo(repository, Map.of(MAIN, base));

        assertThat(MirrorRefs.read(repository)).isEqualTo(Map.of(MAIN, base));
        assertThat(repository.exactRef(KeptRefs.keptName(MAIN, NOW)).getObjectId()).isEqualTo(lost);
        assertThat(repository.exactRef(KeptRefs.keptName("refs/heads/topic", NOW)).getObjectId()).isEqualTo(base);
    }

    @Test
    void refsAreNeverMovedToObjectsTheRepositoryLacks() throws IOException {
        ObjectId base = history.commit();
        history.set(MAIN, base);
        ObjectId missing = ObjectId.fromString("1234567890123456789012345678901234567890");

        assertThat(MirrorRefs.holdsHistory(repository, Map.of(MAIN, missing))).isFalse();
        assertThatExceptionOfType(IOException.class).isThrownBy(() -> refs.moveTo(repository, Map.of(MAIN, missing)));
        assertThat(MirrorRefs.read(repository)).isEqualTo(Map.of(MAIN, base));
    }

    @Test
    void aTipWhoseParentIsMissingIsNotHeldAndNoRefMovesToIt() throws IOException {
        ObjectId base = history.commit();
        history.set(MAIN, base);
        ObjectId absentParent = ObjectId.fromString("1234567890123456789012345678901234567890");
        ObjectId tipAlone = history.commit(base, absentParent);

        assertThat(MirrorRefs.holdsHistory(repository, Map.of(MAIN, tipAlone))).isFalse();
        assertThatExceptionOfType(IOException.class).isThrownBy(() -> refs.moveTo(repository, Map.of(MAIN, tipAlone)));
        assertThat(MirrorRefs.read(repository)).isEqualTo(Map.of(MAIN, base));
        assertThat(MirrorRefs.holdsHistory(repository, Map.of(MAIN, history.commit(base)))).isTrue();
    }

    @Test
    void changesHeldBackKeepWhatTheRefsHadInTheTarget() throws IOException {
        ObjectId base = history.commit();
        ObjectId kept = history.commit(base);
        history.set(MAIN, kept);
        history.set("refs/heads/topic", base);
        ObjectId rewritten = history.commit(base);

        MirrorRefs.Move move = refs.plan(repository, Map.of(MAIN, rewritten), false);

        assertThat(move.target()).isEqualTo(Map.of(MAIN, kept, "refs/heads/topic", base));
        assertThat(move.plan().isEmpty()).isTrue();
    }
}
