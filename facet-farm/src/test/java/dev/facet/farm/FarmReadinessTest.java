package dev.facet.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.map.EntryProcessor;
import dev.facet.core.mirror.protocol.Heartbeat;
import dev.facet.mirror.MirrorStatus;
import dev.facet.mirror.Readiness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A farm node is ready for the load balancer only when it serves every carried repository at the farm's state. */
class FarmReadinessTest {
    private static final long REPO = 7;
    private static final Duration LAG_THRESHOLD = Duration.ofSeconds(30);

    @TempDir
    Path home;
    private TestFarm farm;
    private final AtomicReference<MirrorStatus.Progress> progress = new AtomicReference<>(synchronizing(0));

    @AfterEach
    void close() {
        if (farm != null) {
            farm.close();
        }
    }

    private static MirrorStatus.Progress synchronizing(long worstLagMillis) {
        return new MirrorStatus.Progress("SYNCHRONIZING", 1, 0, 1, worstLagMillis, List.of());
    }

    private FarmReadiness readiness(TestFarm.Node node) {
        return new FarmReadiness(node.cluster, node.published, progress::get, () -> true, () -> List.of(REPO),
                LAG_THRESHOLD);
    }

    @Test
    void aNodeBehindTheFarmsPublishedStateIsNotReadyUntilItHoldsIt() throws Exception {
        farm = TestFarm.start(home, 2, PublishedRefs.Settings.DEFAULTS);
        TestFarm.Node a = farm.node(0);
        TestFarm.Node joining = farm.node(1);
        a.ready();
        farm.awaitRequired(Set.of(a.id));
        Upstream upstream = new Upstream(home.resolve("upstream.git"), "upstream");
        ObjectId pushed = upstream.push();
        a.sync(REPO, upstream);
        await().atMost(TestFarm.PATIENCE).until(() -> joining.published.publishedGeneration(REPO) == 1);
        FarmReadiness readiness = readiness(joining);

        assertThat(readiness.judge()).isEqualTo(new Readiness.Report("SYNCHRONIZING", false, 2));
        assertThat(a.published.requiredHolders()).as("it does not hold publication up").containsExactly(a.id);

        joining.fetchObjectsOnly(REPO, upstream);

        assertThat(readiness.judge()).as("behind the upstream a moment, as farm nodes are at the barrier")
                .isEqualTo(new Readiness.Report("SYNCHRONIZED", true, 2));
        assertThat(joining.refs(REPO)).isEqualTo(Map.of(Upstream.MAIN, pushed));
        farm.awaitRequired(Set.of(a.id, joining.id));
    }

    private static MirrorStatus.Progress lagging(long lagMillis) {
        return new MirrorStatus.Progress("LAGGING", 1, 0, 1, lagMillis,
                List.of(new Heartbeat.Lag(REPO, "PRJ", "repo", lagMillis)));
    }

    @Test
    void aNodeAtThePublishedStateStaysReadyWhileTheWholeFarmWaitsBehindTheUpstream() throws Exception {
        farm = TestFarm.start(home, 2, PublishedRefs.Settings.DEFAULTS);
        TestFarm.Node a = farm.node(0);
        TestFarm.Node b = farm.node(1);
        FarmReadiness readinessOfA = readiness(a);
        FarmReadiness readinessOfB = readiness(b);
        assertThat(readinessOfA.judge().ready()).isTrue();
        assertThat(readinessOfB.judge().ready()).isTrue();
        farm.awaitRequired(Set.of(a.id, b.id));

        // The upstream moved long ago and nothing was published since: a stalled cluster, a barrier that waits.
        progress.set(lagging(LAG_THRESHOLD.toMillis() * 3));

        assertThat(readinessOfA.judge()).isEqualTo(new Readiness.Report("SYNCHRONIZED", true, 2));
        assertThat(readinessOfB.judge()).isEqualTo(new Readiness.Report("SYNCHRONIZED", true, 2));
        farm.awaitRequired(Set.of(a.id, b.id));
    }

    @Test
    void aNodeThatLacksForLongWhatItsPeersHoldIsLaggingAndStopsCounting() throws Exception {
        farm = TestFarm.start(home, 2, new PublishedRefs.Settings(Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(2)));
        TestFarm.Node a = farm.node(0);
        TestFarm.Node b = farm.node(1);
        Duration patience = Duration.ofMillis(200);
        FarmReadiness readinessOfB = new FarmReadiness(b.cluster, b.published, progress::get, () -> true,
                () -> List.of(REPO), patience);
        a.ready();
        assertThat(readinessOfB.judge().ready()).isTrue();
        farm.awaitRequired(Set.of(a.id, b.id));
        Upstream upstream = new Upstream(home.resolve("upstream.git"), "upstream");
        upstream.push();
        // a fetched the new state and waits at the barrier for b, which does not get it.
        a.syncInBackground(REPO, upstream);
        await().atMost(TestFarm.PATIENCE).until(() -> b.published.record(REPO).proposal() != null);
        progress.set(lagging(patience.toMillis() * 10));

        await().atMost(TestFarm.PATIENCE).until(() -> !readinessOfB.judge().ready());
        assertThat(readinessOfB.judge()).isEqualTo(new Readiness.Report("LAGGING", false, 2));
        farm.awaitRequired(Set.of(a.id));
    }
    /** Holds the partition thread of the key it runs on until the test lets it go: a map operation that hangs. */
    private static final CountDownLatch RELEASE = new CountDownLatch(1);

    private static final class StuckOperation implements EntryProcessor<Long, FarmRefsRecord, Object> {
        @Override
        public Object process(Map.Entry<Long, FarmRefsRecord> entry) {
            try {
                RELEASE.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }
    }

    @Test
    void aStuckMapOperationNeverHangsTheAnswerABalancersHealthCheckWaitsFor() throws Exception {
        farm = TestFarm.start(home, 2, PublishedRefs.Settings.DEFAULTS);
        FarmReadiness readinessOfB = readiness(farm.node(1));
        readinessOfB.start();
        try {
            await().atMost(TestFarm.PATIENCE).until(() -> readinessOfB.report().ready());
            // Lagging past the threshold makes the node look at the farm's record of the repository.
            progress.set(lagging(LAG_THRESHOLD.toMillis() * 3));
            farm.node(0).cluster.hazelcast().<Long, FarmRefsRecord>getMap(PublishedRefs.REFS_MAP).submitToKey(REPO,
                    new StuckOperation());

            long started = System.nanoTime();
            Readiness.Report answered = CompletableFuture.supplyAsync(readinessOfB::report)
                    .get(20, TimeUnit.SECONDS);
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(took).as("HAProxy gives a check 3 s").isLessThan(Duration.ofSeconds(1));
            assertThat(answered).isEqualTo(new Readiness.Report("SYNCHRONIZED", true, 2));
            // A judgement that cannot be made for long is not taken for a ready node.
            await().atMost(TestFarm.PATIENCE).until(() -> !readinessOfB.report().ready());
            assertThat(readinessOfB.report().state()).isEqualTo("STALLED");
        } finally {
            RELEASE.countDown();
            readinessOfB.stop();
        }
        await().atMost(TestFarm.PATIENCE).until(() -> readinessOfB.judge().ready());
    }
}
