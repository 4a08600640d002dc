package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.access.Caller;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.access.TokenScope;
import dev.facet.core.name.Username;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.internal.storage.file.GC;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.storage.pack.PackStatistics;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TestProtocol;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetches through {@link HostedUploadPackFactory} from a repository whose bitmap predates its newest commits, as a
 * mirror's is between repacks. A bitmap walk over objects the bitmap does not cover counts them as bitmap misses;
 * JGit reports -1 misses for a pack chosen without the bitmap.
 */
class SmallFetchPackingTest {
    private static final Caller READER = Caller.user(3, Username.of("reader"), GlobalRole.USER, TokenScope.PASSWORD);

    @TempDir
    Path dir;
    private Repository server;
    private Repository client;
    private Commits commits;
    private TestProtocol<GitSession> protocol;
    private URIish uri;
    private final List<PackStatistics> uploads = new ArrayList<>();

    @BeforeEach
    void serveARepositoryWithABitmap() throws Exception {
        server = FileRepositoryBuilder.create(dir.resolve("server.git").toFile());
        server.create(true);
        client = FileRepositoryBuilder.create(dir.resolve("client.git").toFile());
        client.create(true);
        commits = new Commits(server);
        commits.set("refs/heads/main", chain(null, 30));
        new GC((FileRepository) server).gc().get();
        assertThat(server.getObjectDatabase().newReader().getBitmapIndex()).isNotNull();

        HostedUploadPackFactory hosted = new HostedUploadPackFactory(GitOperationObserver.NONE,
                new AdvertisedRefsCache());
        protocol = new TestProtocol<>((session, repository) -> {
            var uploadPack = hosted.create(session, repository);
            uploadPack.setPostUploadHook(uploads::add);
            return uploadPack;
        }, null);
        Transport.register(protocol);
        uri = protocol.register(new GitSession(7, READER, null), server);
        fetchMain();
    }

    @AfterEach
    void closeRepositories() {
        Transport.unregister(protocol);
        server.close();
        client.close();
    }

    @Test
    void aFetchAFewCommitsBehindIsPackedWithoutTheBitmap() throws Exception {
        ObjectId tip = chain(server.resolve("refs/heads/main"), 3);
        commits.set("refs/heads/main", tip);

        fetchMain();

        assertThat(client.resolve("refs/heads/main")).isEqualTo(tip);
        assertThat(allObjectsOf(client, tip)).isTrue();
        PackStatistics fetch = uploads.get(uploads.size() - 1);
        assertThat(fetch.getTotalObjects()).isEqualTo(3 * 3);
        assertThat(fetch.getBitmapIndexMisses()).as("bitmap misses, -1 when packed without a bitmap").isEqualTo(-1);
    }

    @Test
    void aFetchOfManyCommitsStillUsesTheBitmap() throws Exception {
        ObjectId tip = chain(server.resolve("refs/heads/main"), SmallFetchPacking.PLAIN_WALK_MAX_COMMITS + 1);
        commits.set("refs/heads/main", tip);

        fetchMain();

        assertThat(client.resolve("refs/heads/main")).isEqualTo(tip);
        assertThat(allObjectsOf(client, tip)).isTrue();
        assertThat(uploads.get(uploads.size() - 1).getBitmapIndexMisses()).isPositive();
    }

    @Test
    void aCloneIsPackedWithTheBitmap() throws Exception {
        commits.set("refs/heads/main", chain(server.resolve("refs/heads/main"), 3));
        Repository fresh = FileRepositoryBuilder.create(dir.resolve("fresh.git").toFile());
        fresh.create(true);
        try (fresh; Transport transport = Transport.open(fresh, uri)) {
            transport.fetch(org.eclipse.jgit.lib.NullProgressMonitor.INSTANCE,
                    List.of(new RefSpec("+refs/heads/main:refs/heads/main")));
            assertThat(allObjectsOf(fresh, server.resolve("refs/heads/main"))).isTrue();
        }
        assertThat(uploads.get(uploads.size() - 1).getBitmapIndexMisses()).isPositive();
    }

    private ObjectId chain(ObjectId parent, int count) {
        ObjectId tip = parent;
        for (int i = 0; i < count; i++) {
            tip = tip == null ? commits.commit() : commits.commit(tip);
        }
        return tip;
    }

    private void fetchMain() throws Exception {
        try (Transport transport = Transport.open(client, uri)) {
            transport.fetch(org.eclipse.jgit.lib.NullProgressMonitor.INSTANCE,
                    List.of(new RefSpec("+refs/heads/main:refs/heads/main")));
        }
    }

    /** Whether every commit, tree and blob reachable from {@code tip} is in {@code repository}. */
    private static boolean allObjectsOf(Repository repository, ObjectId tip) throws Exception {
        try (var walk = new org.eclipse.jgit.revwalk.ObjectWalk(repository)) {
            walk.markStart(walk.parseCommit(tip));
            while (walk.next() != null) {
                // Parsing each commit proves it is there; nextObject below reads every tree and blob id.
            }
            for (var object = walk.nextObject(); object != null; object = walk.nextObject()) {
                if (!repository.getObjectDatabase().has(object)) {
                    return false;
                }
            }
            return true;
        } catch (org.eclipse.jgit.errors.MissingObjectException e) {
            return false;
        }
    }
}
