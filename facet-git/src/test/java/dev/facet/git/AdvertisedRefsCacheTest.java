package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jgit.lib.BatchRefUpdate;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TagBuilder;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A busy repository's refs are read once per change, and no change is ever hidden behind the cache for long. */
class AdvertisedRefsCacheTest {
    private static final Duration MAX_AGE = Duration.ofSeconds(5);
    private static final String MAIN = "refs/heads/main";

    @TempDir
    Path home;

    private final AtomicLong nanos = new AtomicLong();
    private final AdvertisedRefsCache cache = new AdvertisedRefsCache(MAX_AGE, 10, nanos::get);
    private LocalDiskRepositoryStore store;
    private Repository repository;
    private Commits history;

    @BeforeEach
    void createRepository() {
        cache.start();
        store = new LocalDiskRepositoryStore(home.resolve("repositories"));
        store.create(1);
        repository = store.open(1);
        history = new Commits(repository);
        history.set(MAIN, history.commit());
    }

    @AfterEach
    void stop() {
        cache.stop();
        repository.close();
    }

    @Test
    void manyAdvertisementsOfUnchangedRefsReadThemOnce() throws IOException {
        for (int i = 0; i < 50; i++) {
            assertThat(cache.refs(repository)).containsKey(MAIN);
            nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(50));
        }

        assertThat(cache.scans()).isEqualTo(1);
        assertThat(cache.hits()).isEqualTo(49);
    }

    @Test
    void aRefWrittenWhereverTheStoreOpensTheRepositoryIsAdvertisedAtOnce() throws IOException {
        cache.refs(repository);
        ObjectId next = history.commit(repository.resolve(MAIN));
        // A push or a mirror's sync opens the repository on its own, through the store.
        try (Repository writer = store.open(1)) {
            new Commits(writer).set("refs/heads/topic", next);
        }

        assertThat(cache.refs(repository).get("refs/heads/topic").getObjectId()).isEqualTo(next);
        assertThat(cache.scans()).isEqualTo(2);
    }

    @Test
    void theFirstRefOfAnEmptyRepositoryIsAdvertisedAtOnce() throws IOException {
        store.create(2);
        try (Repository empty = store.open(2)) {
            assertThat(cache.refs(empty)).doesNotContainKey(MAIN);

            Commits emptyHistory = new Commits(empty);
            emptyHistory.set(MAIN, emptyHistory.commit());

            assertThat(cache.refs(empty)).containsKey(MAIN);
        }
    }

    @Test
    void anAtomicBatchAndAHeadMoveAreEachAdvertisedAtOnce() throws IOException {
        ObjectId base = repository.resolve(MAIN);
        ObjectId next = history.commit(base);
        cache.refs(repository);

        BatchRefUpdate batch = repository.getRefDatabase().newBatchUpdate().setAtomic(true);
        batch.addCommand(new ReceiveCommand(base, next, MAIN), new ReceiveCommand(ObjectId.zeroId(), base,
                "refs/heads/old"));
        try (RevWalk walk = new RevWalk(repository)) {
            batch.execute(walk, NullProgressMonitor.INSTANCE);
        }
        assertThat(cache.refs(repository).get(MAIN).getObjectId()).isEqualTo(next);

        store.setHead(1, "refs/heads/old");
        assertThat(cache.refs(repository).get(Constants.HEAD).getTarget().getName()).isEqualTo("refs/heads/old");
        assertThat(cache.scans()).isEqualTo(3);
    }

    @Test
    void aChangeMadeOnDiskByAnotherProcessIsAdvertisedOnceTheEntryIsMaxAgeOld() throws Exception {
        ObjectId base = repository.resolve(MAIN);
        ObjectId next = history.commit(base);
        cache.refs(repository);

        Process git = new ProcessBuilder("git", "--git-dir=" + repository.getDirectory(), "update-ref", MAIN,
                next.name()).redirectErrorStream(true).start();
        assertThat(git.waitFor()).as(new String(git.getInputStream().readAllBytes())).isZero();

        nanos.addAndGet(MAX_AGE.toNanos() - 1);
        assertThat(cache.refs(repository).get(MAIN).getObjectId()).as("no event tells of it yet").isEqualTo(base);
        nanos.addAndGet(1);
        assertThat(cache.refs(repository).get(MAIN).getObjectId()).isEqualTo(next);
    }

    @Test
    void annotatedTagsAreAdvertisedPeeled() throws IOException {
        ObjectId commit = repository.resolve(MAIN);
        ObjectId tag;
        try (ObjectInserter inserter = repository.newObjectInserter()) {
            TagBuilder builder = new TagBuilder();
            builder.setObjectId(commit, Constants.OBJ_COMMIT);
            builder.setTag("v1");
            builder.setMessage("v1\n");
            tag = inserter.insert(builder);
            inserter.flush();
        }
        history.set("refs/tags/v1", tag);

        Ref advertised = cache.refs(repository).get("refs/tags/v1");

        assertThat(advertised.isPeeled()).isTrue();
        assertThat(advertised.getPeeledObjectId()).isEqualTo(commit);
    }

    @Test
    void aStoppedCacheHearsOfNoChangesSoItReadsTheRefsEveryTime() throws IOException {
        cache.refs(repository);
        cache.stop();
        ObjectId next = history.commit(repository.resolve(MAIN));
        history.set(MAIN, next);

        assertThat(cache.refs(repository).get(MAIN).getObjectId()).isEqualTo(next);
        cache.refs(repository);
        assertThat(cache.scans()).isEqualTo(3);
    }
}
