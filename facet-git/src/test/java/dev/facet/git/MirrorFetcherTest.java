package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.facet.core.ref.RefsHash;
import dev.facet.core.tls.OutboundTrust;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetcher between two bare repositories on disk, over Git's local transport (in process: no
 * socket, no git binary), as a mirror fetches from its upstream: objects first, then every ref in
 * one atomic batch.
 */
class MirrorFetcherTest {
    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String MAIN = "refs/heads/main";
    private static final String TOPIC = "refs/heads/topic";

    @TempDir
    Path home;
    private Repository upstream;
    private Repository mirror;
    private Commits history;
    private final MirrorFetcher fetcher = new MirrorFetcher(OutboundTrust.jvmDefault(),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @BeforeEach
    void twoBareRepositories() throws IOException {
        upstream = bare("upstream.git");
        upstream.updateRef(Constants.HEAD).link(MAIN);
        mirror = bare("mirror.git");
        history = new Commits(upstream);
    }

    @AfterEach
    void close() {
        upstream.close();
        mirror.close();
    }

    private Repository bare(String name) throws IOException {
        Repository repository = new FileRepository(home.resolve(name).toFile());
        repository.create(true);
        return repository;
    }

    private MirrorFetcher.Outcome fetch(boolean destructive) throws Exception {
        return fetcher.fetch(mirror, home.resolve("upstream.git").toUri().toString(), "unused-on-a-local-transport",
                destructive);
    }

    @Test
    void aFirstFetchBringsEveryRefWithItsObjectsAndTheUpstreamsHead() throws Exception {
        ObjectId first = history.commit();
        ObjectId second = history.commit(first);
        history.set(MAIN, second);
        history.set("refs/tags/v1", first);

        MirrorFetcher.Outcome outcome = fetch(true);

        assertThat(refs(mirror)).isEqualTo(Map.of(MAIN, second, "refs/tags/v1", first));
        assertThat(mirror.getObjectDatabase().has(first)).isTrue();
        assertThat(outcome.refsUpdated()).isEqualTo(2);
        assertThat(outcome.headTarget()).isEqualTo(MAIN);
        assertThat(outcome.bytesReceived()).isPositive();
    }

    @Test
    void aFetchWithNothingNewUpdatesNoRef() throws Exception {
        history.set(MAIN, history.commit());
        fetch(true);

        assertThat(fetch(true).refsUpdated()).isZero();
    }

    @Test
    void aFetchAfterTheUpstreamsHeadMovedNamesTheNewBranchThoughTheMirrorHasAHeadOfItsOwn() throws Exception {
        ObjectId first = history.commit();
        history.set(MAIN, first);
        history.set(TOPIC, first);
        fetch(true);
        mirror.updateRef(Constants.HEAD).link(MAIN);
        upstream.updateRef(Constants.HEAD).link(TOPIC);

        MirrorFetcher.Outcome outcome = fetch(true);

        assertThat(outcome.headTarget()).isEqualTo(TOPIC);
        assertThat(outcome.bytesReceived()).isZero();
    }

    @Test
    void anEmptyUpstreamLeavesAnEmptyMirrorWithoutAPack() throws Exception {
        MirrorFetcher.Outcome outcome = fetch(true);

        assertThat(refs(mirror)).isEmpty();
        assertThat(outcome.refsUpdated()).isZero();
        assertThat(outcome.bytesReceived()).isZero();
        assertThat(outcome.headTarget()).isNull();
        assertThat(outcome.advertised()).isEqualTo(RefsHash.of(Map.of()));
    }

    @Test
    void aPushUpstreamFastForwardsTheMirror() throws Exception {
        ObjectId first = history.commit();
        history.set(MAIN, first);
        fetch(true);
        ObjectId second = history.commit(first);
        history.set(MAIN, second);

        fetch(true);

        assertThat(refs(mirror)).isEqualTo(Map.of(MAIN, second));
    }

    @Test
    void aForcePushUpstreamRewindsTheMirrorAndKeepsTheOldCommitAside() throws Exception {
        ObjectId base = history.commit();
        ObjectId lost = history.commit(base);
        history.set(MAIN, lost);
        fetch(true);
        ObjectId rewritten = history.commit(base);
        history.set(MAIN, rewritten);

        fetch(true);

        assertThat(refs(mirror)).isEqualTo(Map.of(MAIN, rewritten, KeptRefs.keptName(MAIN, NOW), lost));
        assertThat(mirror.getObjectDatabase().has(lost)).isTrue();
    }

    @Test
    void aBranchDeletedUpstreamIsDeletedOnTheMirrorAndKeptAside() throws Exception {
        ObjectId base = history.commit();
        history.set(MAIN, base);
        history.set(TOPIC, history.commit(base));
        ObjectId topic = upstream.exactRef(TOPIC).getObjectId();
        fetch(true);
        history.delete(TOPIC);

        fetch(true);

        assertThat(refs(mirror)).isEqualTo(Map.of(MAIN, base, KeptRefs.keptName(TOPIC, NOW), topic));
    }

    @Test
    void whileDestructiveChangesAreHeldBackTheMirrorKeepsItsRefsAndStillTakesAdditions() throws Exception {
        ObjectId base = history.commit();
        ObjectId kept = history.commit(base);
        history.set(MAIN, kept);
        history.set(TOPIC, base);
        fetch(true);
        history.set(MAIN, history.commit(base));
        history.delete(TOPIC);
        ObjectId feature = history.commit(base);
        history.set("refs/heads/feature", feature);

        fetch(false);

        assertThat(refs(mirror)).isEqualTo(Map.of(MAIN, kept, TOPIC, base, "refs/heads/feature", feature));
    }

    @Test
    void aRepositoryThatIsNotThereUpstreamIsReportedGone() {
        assertThatExceptionOfType(MirrorFetcher.RepositoryGone.class).isThrownBy(() -> fetcher.fetch(mirror,
                home.resolve("missing.git").toUri().toString(), "unused", true));
    }

    private static Map<String, ObjectId> refs(Repository repository) throws IOException {
        Map<String, ObjectId> refs = new HashMap<>();
        for (Ref ref : repository.getRefDatabase().getRefsByPrefix(Constants.R_REFS)) {
            refs.put(ref.getName(), ref.getObjectId());
        }
        return refs;
    }
}
