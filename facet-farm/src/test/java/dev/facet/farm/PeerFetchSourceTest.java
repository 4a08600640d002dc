package dev.facet.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.mirror.MirroredRepository;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.ref.RefsHash;
import dev.facet.core.tls.OutboundTrust;
import dev.facet.git.MirrorFetcher;
import dev.facet.mirror.FetchSource;
import dev.facet.mirror.PeerReads;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A joining node's fetches with real Hazelcast members and real repositories: a ready peer's copy
 * stands in for the upstream only when it is the farm's published state, to the ref; otherwise the
 * upstream is asked, and nothing the peer said moves a ref. The peer is reached over Git's local
 * transport at the path its endpoint has, so that what it serves can be chosen by the test.
 */
class PeerFetchSourceTest {
    private static final long REPO = 42;
    private static final PublishedRefs.Settings PATIENT =
            new PublishedRefs.Settings(TestFarm.PATIENCE, Duration.ofSeconds(1), Duration.ofMillis(300));
    private static final RequestTokens TOKENS = new RequestTokens(Clock.systemUTC(), new SecureRandom(),
            new ReplayGuard(Clock.systemUTC(), ReplayGuard.DEFAULT_CAPACITY));

    @TempDir
    Path home;
    private TestFarm farm;
    private TestFarm.Node joining;
    private TestFarm.Node peer;
    private Upstream upstream;
    private final MirrorFetcher fetcher = new MirrorFetcher(OutboundTrust.jvmDefault(), Clock.systemUTC());
    /** The upstream as the wiring gives it: every fetch from it is recorded. */
    private final List<Long> upstreamFetches = new CopyOnWriteArrayList<>();
    private final FetchSource recordedUpstream = (local, repository, destructive, beforeRefsMove) -> {
        upstreamFetches.add(repository.id());
        return fetcher.fetch(local, upstream.url(), "unused-on-a-local-transport", destructive, beforeRefsMove);
    };

    @BeforeEach
    void aReadyPeerHoldingThePublishedStateAndANodeJoining() throws Exception {
        farm = TestFarm.start(home.resolve("farm"), 2, PATIENT, i -> UUID.randomUUID().toString());
        peer = farm.node(0);
        joining = farm.node(1);
        upstream = new Upstream(home.resolve("upstream.git"), "upstream");
        upstream.push();
        peer.ready();
        farm.awaitRequired(Set.of(peer.id));
        peer.sync(REPO, upstream);
        await().atMost(TestFarm.PATIENCE).until(() -> joining.published.publishedGeneration(REPO) == 1);
    }

    @AfterEach
    void close() {
        if (farm != null) {
            farm.close();
        }
    }

    /** Serves {@code served} at the peer endpoint's path under the URL the peer publishes. */
    private void peerServes(Path served) throws IOException {
        Path endpoint = home.resolve("peer-endpoint");
        Path repository = endpoint.resolve(PeerReads.resource(REPO).substring(1));
        Files.createDirectories(repository.getParent());
        Files.deleteIfExists(repository);
        Files.createSymbolicLink(repository, served);
        peer.cluster.publishUrl(endpoint.toUri().toString().replaceAll("/$", ""));
    }

    /** Where the peer keeps its copy: its own repository store. */
    private Path peerCopy() {
        return home.resolve("farm").resolve(peer.id).resolve(Long.toString(REPO));
    }

    private MirrorFetcher.Outcome fetchOnJoiningNode(String signedHash) throws Exception {
        PeerFetchSource source = new PeerFetchSource(joining.cluster, joining.published, TOKENS,
                InstanceIdentity.generate(new SecureRandom()), fetcher, recordedUpstream);
        if (!joining.repositories.exists(REPO)) {
            joining.repositories.create(REPO);
        }
        try (Repository local = joining.repositories.open(REPO)) {
            return source.fetch(local, new MirroredRepository(REPO, ProjectKey.of("PRJ"), RepositorySlug.of("repo"),
                    "repo", false, signedHash, null, true, null, null), advertised -> true,
                    joining.barrier.beginSync(REPO));
        }
    }

    private String publishedHash() {
        return joining.published.record(REPO).published().state().refsHash();
    }

    @Test
    void aJoiningNodeTakesThePublishedStateFromAReadyPeerAndAsksTheUpstreamNothing() throws Exception {
        peerServes(peerCopy());

        MirrorFetcher.Outcome outcome = fetchOnJoiningNode(publishedHash());

        assertThat(upstreamFetches).isEmpty();
        assertThat(outcome.advertised().value()).isEqualTo(publishedHash());
        assertThat(joining.refs(REPO)).isEqualTo(peer.refs(REPO));
    }

    @Test
    void aPeerThatServesAnotherStateMovesNoRefAndTheUpstreamIsAsked() throws Exception {
        try (Upstream forged = new Upstream(home.resolve("forged.git"), "forged")) {
            ObjectId forgedHead = forged.push();
            peerServes(home.resolve("forged.git"));

            MirrorFetcher.Outcome outcome = fetchOnJoiningNode(publishedHash());

            assertThat(upstreamFetches).containsExactly(REPO);
            assertThat(outcome.advertised().value()).isEqualTo(publishedHash());
            assertThat(joining.refs(REPO)).isEqualTo(peer.refs(REPO))
                    .doesNotContainValue(forgedHead);
        }
    }

    @Test
    void aPeerThatCannotBeReachedLeavesTheFetchToTheUpstream() throws Exception {
        peer.cluster.publishUrl(home.resolve("nothing-here").toUri().toString());

        fetchOnJoiningNode(publishedHash());

        assertThat(upstreamFetches).containsExactly(REPO);
        assertThat(joining.refs(REPO)).isEqualTo(peer.refs(REPO));
    }

    @Test
    void withNoReadyPeerTheUpstreamIsAsked() throws Exception {
        peerServes(peerCopy());
        peer.published.markReady(false);
        farm.awaitRequired(Set.of());

        fetchOnJoiningNode(publishedHash());

        assertThat(upstreamFetches).containsExactly(REPO);
    }

    @Test
    void whenTheUpstreamSignedANewerStateOnlyTheDifferenceComesFromIt() throws Exception {
        peerServes(peerCopy());
        Map<String, ObjectId> published = peer.refs(REPO);
        ObjectId newer = upstream.push();
        String signed = RefsHash.of(Map.of(Upstream.MAIN, newer)).value();
        java.util.concurrent.CompletableFuture<MirrorFetcher.Outcome> joined =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return fetchOnJoiningNode(signed);
                    } catch (Exception e) {
                        throw new java.util.concurrent.CompletionException(e);
                    }
                });
        // The joining node offers the newer state at the barrier; the ready peer must hold it too to publish it.
        await().atMost(TestFarm.PATIENCE).until(() -> joining.published.record(REPO).proposal() != null);
        peer.sync(REPO, upstream);
        MirrorFetcher.Outcome outcome = joined.get();

        assertThat(upstreamFetches).containsExactly(REPO);
        assertThat(outcome.advertised().value()).isEqualTo(signed);
        assertThat(joining.refs(REPO)).containsEntry(Upstream.MAIN, newer);
        assertThat(published).doesNotContainValue(newer);
    }
    /**
     * A copy that holds the tip of the peer's main and its files but none of its parents, marked shallow so that
     * Git serves it: what a shallow or partly restored copy holds, or a pack cut short on the farm's network.
     */
    private Path tipWithoutItsHistory(ObjectId tip) throws IOException {
        Path path = home.resolve("tip-only.git");
        try (Repository source = peer.repositories.open(REPO);
             Repository copy = new FileRepository(path.toFile())) {
            copy.create(true);
            try (ObjectReader reader = source.newObjectReader(); ObjectInserter inserter = copy.newObjectInserter();
                 RevWalk walk = new RevWalk(reader); TreeWalk files = new TreeWalk(reader)) {
                RevCommit commit = walk.parseCommit(tip);
                copyObject(reader, inserter, commit);
                copyObject(reader, inserter, commit.getTree());
                files.addTree(commit.getTree());
                files.setRecursive(true);
                while (files.next()) {
                    copyObject(reader, inserter, files.getObjectId(0));
                }
                inserter.flush();
            }
            RefUpdate main = copy.updateRef(Upstream.MAIN);
            main.setNewObjectId(tip);
            main.update();
        }
        Files.writeString(path.resolve("shallow"), tip.name() + "\n");
        return path;
    }

    private static void copyObject(ObjectReader reader, ObjectInserter inserter, AnyObjectId id) throws IOException {
        ObjectLoader object = reader.open(id);
        inserter.insert(object.getType(), object.getBytes());
    }

    @Test
    void aPeerThatServesThePublishedRefsWithoutTheirHistoryMovesNoRefAndTheUpstreamIsAsked() throws Exception {
        ObjectId parent = peer.refs(REPO).get(Upstream.MAIN);
        ObjectId tip = upstream.push();
        peer.sync(REPO, upstream);
        await().atMost(TestFarm.PATIENCE).until(() -> joining.published.publishedGeneration(REPO) == 2);
        peerServes(tipWithoutItsHistory(tip));

        fetchOnJoiningNode(publishedHash());

        assertThat(upstreamFetches).containsExactly(REPO);
        assertThat(joining.refs(REPO)).isEqualTo(peer.refs(REPO));
        try (Repository copy = joining.repositories.open(REPO)) {
            assertThat(copy.getObjectDatabase().has(parent)).as("the history under the published tip").isTrue();
        }
    }
    @Test
    void aCopyLeftHoldingTheTipButNotItsHistoryIsNeverBroughtToThePublishedState() throws Exception {
        ObjectId tip = upstream.push();
        peer.sync(REPO, upstream);
        await().atMost(TestFarm.PATIENCE).until(() -> joining.published.publishedGeneration(REPO) == 2);
        Path tipOnly = tipWithoutItsHistory(tip);
        joining.repositories.create(REPO);
        try (Repository local = joining.repositories.open(REPO)) {
            fetcher.fetch(local, tipOnly.toUri().toString(), "unused-on-a-local-transport", advertised -> true,
                    target -> false);
            assertThat(local.getObjectDatabase().has(tip)).as("the tip arrived").isTrue();
        }

        assertThat(joining.published.catchUp(REPO)).isFalse();
        assertThatExceptionOfType(dev.facet.mirror.CatchingUp.class).isThrownBy(() -> joining.gate.beforeRead(REPO));
        assertThat(joining.refs(REPO)).isEmpty();
    }
}
