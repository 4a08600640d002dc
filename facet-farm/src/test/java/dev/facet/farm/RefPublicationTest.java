package dev.facet.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.facet.git.MirrorFetcher;
import dev.facet.mirror.CatchingUp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The farm's barrier and read gate with real Hazelcast members and real repositories on disk:
 * a repository's new state is published only once every ready live node holds its objects, and
 * no node advertises refs older than the farm published or refs whose objects it lacks.
 */
class RefPublicationTest {
    private static final long REPO = 42;
    private static final Duration PATIENCE = TestFarm.PATIENCE;
    /** Short waits, so that stale proposals and refused reads show within a test. */
    private static final PublishedRefs.Settings QUICK =
            new PublishedRefs.Settings(Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofMillis(300));
    /** As above, but a node waits for publication as long as the test waits for anything. */
    private static final PublishedRefs.Settings PATIENT =
            new PublishedRefs.Settings(PATIENCE, Duration.ofSeconds(1), Duration.ofMillis(300));

    @TempDir
    Path home;
    private TestFarm farm;

    @AfterEach
    void close() {
        if (farm != null) {
            farm.close();
        }
    }

    private Upstream upstream(String name) throws IOException {
        return new Upstream(home.resolve(name + ".git"), name);
    }

    @Test
    void aStateIsPublishedOnlyOnceEveryReadyLiveNodeHoldsItsObjects() throws Exception {
        farm = TestFarm.start(home, 2, PATIENT);
        TestFarm.Node a = farm.node(0);
        TestFarm.Node b = farm.node(1);
        a.ready();
        b.ready();
        farm.awaitRequired(Set.of(a.id, b.id));
        Upstream upstream = upstream("upstream");
        ObjectId pushed = upstream.push();
        List<Long> syncsAskedOfB = new CopyOnWriteArrayList<>();
        b.published.onForeignProposal(syncsAskedOfB::add);

        CompletableFuture<MirrorFetcher.Outcome> first = a.syncInBackground(REPO, upstream);
        await().atMost(PATIENCE).until(() -> a.published.record(REPO).proposal() != null);
        await().atMost(PATIENCE).until(() -> syncsAskedOfB.equals(List.of(REPO)));

        assertThat(a.published.record(REPO).proposal().holders()).containsExactly(a.id);
        assertThat(a.published.record(REPO).published()).as("b lacks the objects").isNull();
        assertThat(a.refs(REPO)).as("a's refs wait at the barrier").isEmpty();
        assertThat(first).isNotDone();

        MirrorFetcher.Outcome second = b.sync(REPO, upstream);

        assertThat(first.get().refsUpdated()).isEqualTo(1);
        assertThat(second.refsUpdated()).isEqualTo(1);
        assertThat(a.refs(REPO)).isEqualTo(Map.of(Upstream.MAIN, pushed)).isEqualTo(b.refs(REPO));
        assertThat(a.published.record(REPO).generation()).isEqualTo(1);
        assertThat(a.published.record(REPO).proposal()).isNull();
    }

    @Test
    void aMemberThatLeavesNoLongerHoldsPublicationUp() throws Exception {
        farm = TestFarm.start(home, 3, PATIENT);
        TestFarm.Node a = farm.node(0);
        TestFarm.Node b = farm.node(1);
        TestFarm.Node c = farm.node(2);
        a.ready();
        b.ready();
        c.ready();
        farm.awaitRequired(Set.of(a.id, b.id, c.id));
        Upstream upstream = upstream("upstream");
        ObjectId pushed = upstream.push();
        CompletableFuture<MirrorFetcher.Outcome> atA = a.syncInBackground(REPO, upstream);
        CompletableFuture<MirrorFetcher.Outcome> atB = b.syncInBackground(REPO, upstream);
        await().atMost(PATIENCE).until(() -> a.published.record(REPO).proposal() != null
                && a.published.record(REPO).proposal().holders().equals(Set.of(a.id, b.id)));
        assertThat(atA).as("c has not fetched yet").isNotDone();

        c.close();

        assertThat(atA.get().refsUpdated()).isEqualTo(1);
        assertThat(atB.get().refsUpdated()).isEqualTo(1);
        assertThat(a.refs(REPO)).isEqualTo(Map.of(Upstream.MAIN, pushed)).isEqualTo(b.refs(REPO));
    }

    @Test
    void aNodeThatIsNotReadyDoesNotHoldPublicationUpAndItsReadGateAppliesThePublishedState() throws Exception {
        farm = TestFarm.start(home, 2, QUICK);
        TestFarm.Node a = farm.node(0);
        TestFarm.Node joining = farm.node(1);
        a.ready();
        farm.awaitRequired(Set.of(a.id));
        Upstream upstream = upstream("upstream");
        ObjectId pushed = upstream.push();
        joining.fetchObjectsOnly(REPO, upstream);

        a.sync(REPO, upstream);
        await().atMost(PATIENCE).until(() -> joining.published.publishedGeneration(REPO) == 1);
        assertThat(joining.refs(REPO)).isEmpty();

        joining.gate.beforeRead(REPO);

        assertThat(joining.refs(REPO)).isEqualTo(Map.of(Upstream.MAIN, pushed));
        assertThat(joining.published.atPublishedState(REPO)).isTrue();
    }

    @Test
    void theReadGateRefusesWhileTheNodeLacksThePublishedObjects() throws Exception {
        farm = TestFarm.start(home, 2, QUICK);
        TestFarm.Node a = farm.node(0);
        TestFarm.Node behind = farm.node(1);
        a.ready();
        farm.awaitRequired(Set.of(a.id));
        Upstream upstream = upstream("upstream");
        ObjectId old = upstream.push();
        a.sync(REPO, upstream);
        behind.sync(REPO, upstream);
        assertThat(behind.refs(REPO)).isEqualTo(Map.of(Upstream.MAIN, old));
        upstream.push();
        a.sync(REPO, upstream);
        await().atMost(PATIENCE).until(() -> behind.published.publishedGeneration(REPO) == 2);

        assertThatThrownBy(() -> behind.gate.beforeRead(REPO)).isInstanceOf(CatchingUp.class)
                .hasMessageContaining("catching up");
        assertThat(behind.refs(REPO)).as("the node keeps its refs, and refuses to show them").isEqualTo(
                Map.of(Upstream.MAIN, old));

        behind.sync(REPO, upstream);
        behind.gate.beforeRead(REPO);
        assertThat(behind.refs(REPO)).isEqualTo(a.refs(REPO));
    }

    @Test
    void concurrentOffersOfDifferentStatesNeverPublishAStateALiveNodeLacks() throws Exception {
        farm = TestFarm.start(home, 3, QUICK);
        TestFarm.Node a = farm.node(0);
        TestFarm.Node b = farm.node(1);
        TestFarm.Node c = farm.node(2);
        List.of(a, b, c).forEach(TestFarm.Node::ready);
        farm.awaitRequired(Set.of(a.id, b.id, c.id));
        List<FarmRefsRecord.Published> publications = publicationsSeenBy(a);
        // Two histories that share no object: a node that fetched one cannot serve the other.
        Upstream one = upstream("one");
        ObjectId onlyInOne = one.push();
        Upstream other = upstream("other");
        ObjectId onlyInOther = other.push();

        List<CompletableFuture<MirrorFetcher.Outcome>> race = List.of(a.syncInBackground(REPO, one),
                b.syncInBackground(REPO, other), c.syncInBackground(REPO, other));
        for (CompletableFuture<MirrorFetcher.Outcome> sync : race) {
            assertThatThrownBy(sync::get).isInstanceOf(ExecutionException.class).hasRootCauseInstanceOf(IOException.class)
                    .hasMessageContaining("did not publish");
        }

        assertThat(publications).as("no state was held by every node").isEmpty();
        assertThat(List.of(a, b, c)).allSatisfy(node -> assertThat(node.refs(REPO)).isEmpty());

        List<CompletableFuture<MirrorFetcher.Outcome>> again = List.of(a.syncInBackground(REPO, other),
                b.syncInBackground(REPO, other), c.syncInBackground(REPO, other));
        CompletableFuture.allOf(again.toArray(CompletableFuture[]::new)).get();

        assertThat(publications).extracting(published -> published.state().refs())
                .containsExactly(Map.of(Upstream.MAIN, onlyInOther.name()));
        assertThat(List.of(a, b, c)).allSatisfy(node ->
                assertThat(node.refs(REPO)).isEqualTo(Map.of(Upstream.MAIN, onlyInOther)));
        assertThat(hasObject(b, onlyInOne) || hasObject(c, onlyInOne)).as("nobody else fetched a's history").isFalse();
    }

    @Test
    void generationsOnlyMoveForwardAndAStateFetchedBeforeANewerPublicationIsNeverPublished() throws Exception {
        farm = TestFarm.start(home, 2, QUICK);
        TestFarm.Node a = farm.node(0);
        TestFarm.Node slow = farm.node(1);
        a.ready();
        farm.awaitRequired(Set.of(a.id));
        List<FarmRefsRecord.Published> publications = publicationsSeenBy(slow);
        Upstream upstream = upstream("upstream");
        upstream.push();
        // The slow node begins its sync and fetches the first state, but offers it only later.
        MirrorFetcher.BeforeRefsMove slowCrossing = slow.barrier.beginSync(REPO);
        Map<String, ObjectId> fetchedEarly = new HashMap<>();
        slow.fetch(REPO, upstream, target -> {
            fetchedEarly.putAll(target);
            return false;
        });
        ObjectId newer = upstream.push();
        a.sync(REPO, upstream);
        await().atMost(PATIENCE).until(() -> slow.published.publishedGeneration(REPO) == 1);

        assertThat(slowCrossing.objectsHeld(fetchedEarly)).as("the older state stays aside").isFalse();

        assertThat(slow.published.record(REPO).published().state().refs()).isEqualTo(
                Map.of(Upstream.MAIN, newer.name()));
        assertThat(slow.published.record(REPO).proposal()).as("not proposed either").isNull();
        upstream.push();
        a.sync(REPO, upstream);
        upstream.push();
        a.sync(REPO, upstream);
        await().atMost(PATIENCE).until(() -> publications.size() == 3);
        assertThat(publications).extracting(FarmRefsRecord.Published::generation).containsExactly(1L, 2L, 3L);
        assertThat(slow.published.publishedGeneration(REPO)).isEqualTo(3);
    }

    @Test
    void aStaleProposalIsReplaced() throws Exception {
        farm = TestFarm.start(home, 2, QUICK);
        TestFarm.Node a = farm.node(0);
        TestFarm.Node b = farm.node(1);
        a.ready();
        b.ready();
        farm.awaitRequired(Set.of(a.id, b.id));
        Upstream gone = upstream("gone");
        gone.push();
        Upstream current = upstream("current");
        ObjectId head = current.push();
        // a proposes a state that b will never hold (the upstream rewrote it away).
        CompletableFuture<MirrorFetcher.Outcome> atA = a.syncInBackground(REPO, gone);
        await().atMost(PATIENCE).until(() -> a.published.record(REPO).proposal() != null);
        String goneHash = a.published.record(REPO).proposal().state().refsHash();

        CompletableFuture<MirrorFetcher.Outcome> atB = b.syncInBackground(REPO, current);

        await().atMost(PATIENCE).until(() -> a.published.record(REPO).proposal() != null
                && !a.published.record(REPO).proposal().state().refsHash().equals(goneHash));
        assertThat(a.published.record(REPO).proposal().holders()).containsExactly(b.id);
        assertThatThrownBy(atA::get).as("a never sees its state published").hasRootCauseInstanceOf(IOException.class);
        assertThat(a.refs(REPO)).isEmpty();
        atB.handle((outcome, failure) -> null).get();
        // a fetches again and finds the upstream's current state: the two agree.
        CompletableFuture<MirrorFetcher.Outcome> againAtA = a.syncInBackground(REPO, current);
        CompletableFuture<MirrorFetcher.Outcome> againAtB = b.syncInBackground(REPO, current);
        CompletableFuture.allOf(againAtA, againAtB).get();
        assertThat(a.refs(REPO)).isEqualTo(Map.of(Upstream.MAIN, head)).isEqualTo(b.refs(REPO));
        assertThat(a.published.record(REPO).generation()).isEqualTo(1);
    }

    @Test
    void aNodeThatLiesAboutHoldingObjectsCannotMakeAReadyNodeMoveToThem() throws Exception {
        farm = TestFarm.start(home, 2, QUICK);
        TestFarm.Node liar = farm.node(0);
        TestFarm.Node honest = farm.node(1);
        liar.ready();
        honest.ready();
        farm.awaitRequired(Set.of(liar.id, honest.id));
        List<FarmRefsRecord.Published> publications = publicationsSeenBy(honest);
        Upstream upstream = upstream("upstream");
        ObjectId real = upstream.push();

        FarmRefsRecord afterLie = liar.published.offer(REPO, invented(), 0);

        assertThat(afterLie.published()).as("the honest node does not hold the invented objects").isNull();
        CompletableFuture<MirrorFetcher.Outcome> honestSync = honest.syncInBackground(REPO, upstream);
        await().atMost(PATIENCE).until(() -> liar.published.record(REPO).proposal() != null
                && liar.published.record(REPO).proposal().holders().contains(honest.id));
        // The liar says it holds whatever is proposed: the honest node's real state is published.
        liar.published.offer(REPO, liar.published.record(REPO).proposal().state(), 0);
        honestSync.get();
        assertThat(publications).extracting(published -> published.state().refs())
                .containsExactly(Map.of(Upstream.MAIN, real.name()));
        assertThat(honest.refs(REPO)).isEqualTo(Map.of(Upstream.MAIN, real));
    }

    @Test
    void aNodeThatLiesAboutHoldingObjectsCannotMakeACatchingUpNodeAdvertiseThem() throws Exception {
        farm = TestFarm.start(home, 2, QUICK);
        TestFarm.Node liar = farm.node(0);
        TestFarm.Node joining = farm.node(1);
        liar.ready();
        farm.awaitRequired(Set.of(liar.id));
        Upstream upstream = upstream("upstream");
        ObjectId real = upstream.push();
        joining.fetch(REPO, upstream, target -> true);

        FarmRefsRecord afterLie = liar.published.offer(REPO, invented(), 0);

        assertThat(afterLie.generation()).as("nobody ready could object").isEqualTo(1);
        await().atMost(PATIENCE).until(() -> joining.published.publishedGeneration(REPO) == 1);
        assertThatThrownBy(() -> joining.gate.beforeRead(REPO)).isInstanceOf(CatchingUp.class);
        assertThat(joining.refs(REPO)).as("refs it can serve, never the invented ones")
                .isEqualTo(Map.of(Upstream.MAIN, real));
        assertThat(joining.published.catchUp(REPO)).isFalse();
    }

    private static FarmRefsRecord.RefsState invented() {
        return FarmRefsRecord.RefsState.of(Map.of(Upstream.MAIN,
                ObjectId.fromString("1234567890123456789012345678901234567890"),
                "refs/heads/everything", ObjectId.fromString("abcdefabcdefabcdefabcdefabcdefabcdefabcd")));
    }

    private static boolean hasObject(TestFarm.Node node, ObjectId id) {
        try (org.eclipse.jgit.lib.Repository repository = node.repositories.open(REPO)) {
            return repository.getObjectDatabase().has(id);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every publication {@code node} hears of, in the order it hears them. */
    private static List<FarmRefsRecord.Published> publicationsSeenBy(TestFarm.Node node) {
        List<FarmRefsRecord.Published> seen = new CopyOnWriteArrayList<>();
        class Recorder implements EntryAddedListener<Long, FarmRefsRecord>, EntryUpdatedListener<Long, FarmRefsRecord> {
            @Override
            public void entryAdded(EntryEvent<Long, FarmRefsRecord> event) {
                entryUpdated(event);
            }

            @Override
            public void entryUpdated(EntryEvent<Long, FarmRefsRecord> event) {
                FarmRefsRecord.Published published = event.getValue().published();
                if (published != null && (seen.isEmpty()
                        || seen.get(seen.size() - 1).generation() != published.generation())) {
                    seen.add(published);
                }
            }
        }
        node.cluster.hazelcast().<Long, FarmRefsRecord>getMap(PublishedRefs.REFS_MAP).addEntryListener(new Recorder(), true);
        return seen;
    }
}
