package dev.facet.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.git.MirrorFetcher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.lib.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A farm split in two halves that each published on their own, then healed, with real Hazelcast
 * members: each starts knowing only itself (two clusters under the farm's name), publishes, and
 * then learns the other's address, as a repaired network would let it; Hazelcast's split-brain
 * handler merges the halves. The merged record of every repository is the higher generation, and a
 * node whose half lost repairs its copy.
 */
class SplitHealTest {
    private static final long AHEAD_ON_A = 1;
    private static final long AHEAD_ON_B = 2;
    private static final long TIED = 3;
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final PublishedRefs.Settings SETTINGS =
            new PublishedRefs.Settings(Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofMillis(300));

    @TempDir
    Path home;
    private TestFarm.Node a;
    private TestFarm.Node b;

    @AfterEach
    void close() {
        if (a != null) {
            a.terminate();
        }
        if (b != null) {
            b.terminate();
        }
    }

    private TestFarm.Node alone(String farm, String id, int port) {
        FarmCluster cluster = FarmCluster.join(new FarmCluster.Settings(farm, "127.0.0.1", port,
                List.of("127.0.0.1:" + port)), new FarmCluster.NodeIdentity(id, id, "key-" + id, "test"));
        TestFarm.Node node = new TestFarm.Node(id, cluster, home.resolve(id), SETTINGS);
        node.ready();
        return node;
    }

    /** Publishes the upstream's state {@code times} times in the node's half, which it alone makes up. */
    private static void publish(TestFarm.Node node, long repositoryId, Upstream upstream, int times) throws Exception {
        for (int i = 0; i < times; i++) {
            upstream.push();
            MirrorFetcher.Outcome outcome = node.sync(repositoryId, upstream);
            assertThat(outcome.refsUpdated()).isPositive();
        }
        node.gate.beforeRead(repositoryId);
    }

    @Test
    void whenTheHalvesMergeEveryRecordKeepsTheHigherGenerationAndTheLosingCopyIsRepaired() throws Exception {
        String farm = "split-" + System.nanoTime();
        int portA = FarmClusterTest.freePort();
        int portB = FarmClusterTest.freePort();
        a = alone(farm, "node-a", portA);
        b = alone(farm, "node-b", portB);
        assertThat(a.cluster.liveNodeIds()).containsExactly("node-a");
        assertThat(b.cluster.liveNodeIds()).containsExactly("node-b");
        try (Upstream upstreamA = new Upstream(home.resolve("a.git"), "a");
             Upstream upstreamB = new Upstream(home.resolve("b.git"), "b");
             Upstream tiedA = new Upstream(home.resolve("tied-a.git"), "tied-a");
             Upstream tiedB = new Upstream(home.resolve("tied-b.git"), "tied-b")) {
            publish(a, AHEAD_ON_A, upstreamA, 3);
            publish(b, AHEAD_ON_A, upstreamB, 1);
            publish(a, AHEAD_ON_B, upstreamA, 1);
            publish(b, AHEAD_ON_B, upstreamB, 2);
            publish(a, TIED, tiedA, 1);
            publish(b, TIED, tiedB, 1);
            // Each node holds the other half's objects too, as a sync from the upstream would bring them.
            a.fetchObjectsOnly(TIED, tiedB);
            b.fetchObjectsOnly(TIED, tiedA);
            a.fetchObjectsOnly(AHEAD_ON_B, upstreamB);
            b.fetchObjectsOnly(AHEAD_ON_A, upstreamA);
            FarmRefsRecord tiedOnA = a.published.record(TIED);
            FarmRefsRecord tiedOnB = b.published.record(TIED);
            assertThat(tiedOnA.generation()).isEqualTo(1).isEqualTo(tiedOnB.generation());
            List<PublishedRefs.Repair> repairsOnA = new CopyOnWriteArrayList<>();
            List<PublishedRefs.Repair> repairsOnB = new CopyOnWriteArrayList<>();
            a.published.onRepair(repairsOnA::add);
            b.published.onRepair(repairsOnB::add);

            // The network heals: a's member list now reaches b, and its split-brain handler finds the other half.
            a.cluster.hazelcast().getConfig().getNetworkConfig().getJoin().getTcpIpConfig()
                    .addMember("127.0.0.1:" + portB);
            await().atMost(PATIENCE).until(() -> a.cluster.liveNodeIds().size() == 2
                    && b.cluster.liveNodeIds().size() == 2);

            await().atMost(PATIENCE).until(() -> a.published.record(AHEAD_ON_A).generation() == 3
                    && b.published.record(AHEAD_ON_A).generation() == 3);
            await().atMost(PATIENCE).until(() -> a.published.record(AHEAD_ON_B).generation() == 2
                    && b.published.record(AHEAD_ON_B).generation() == 2);
            FarmRefsRecord winner = tiedOnA.published().state().refsHash()
                    .compareTo(tiedOnB.published().state().refsHash()) > 0 ? tiedOnA : tiedOnB;
            await().atMost(PATIENCE).until(() -> a.published.record(TIED).equals(winner)
                    && b.published.record(TIED).equals(winner));

            for (TestFarm.Node node : List.of(a, b)) {
                for (long repositoryId : List.of(AHEAD_ON_A, AHEAD_ON_B, TIED)) {
                    node.gate.beforeRead(repositoryId);
                    Map<String, ObjectId> served = node.refs(repositoryId);
                    assertThat(served).as(node.id + " serves the merged record of " + repositoryId)
                            .isEqualTo(node.published.record(repositoryId).published().state().objectIds());
                }
            }
            TestFarm.Node loser = winner == tiedOnA ? b : a;
            List<PublishedRefs.Repair> loserRepairs = loser == a ? repairsOnA : repairsOnB;
            assertThat(loserRepairs).as("the tied copy of the losing half was at generation 1, but another state")
                    .extracting(PublishedRefs.Repair::repositoryId).contains(TIED);
            assertThat(loser == a ? repairsOnB : repairsOnA).extracting(PublishedRefs.Repair::repositoryId)
                    .doesNotContain(TIED);
        }
    }
}
