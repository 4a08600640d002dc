package dev.facet.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.mirror.MirrorStatus;
import dev.facet.mirror.Readiness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

        assertThat(readiness.report()).isEqualTo(new Readiness.Report("SYNCHRONIZING", false, 2));
        assertThat(a.published.requiredHolders()).as("it does not hold publication up").containsExactly(a.id);

        joining.fetchObjectsOnly(REPO, upstream);

        assertThat(readiness.report()).as("behind the upstream a moment, as farm nodes are at the barrier")
                .isEqualTo(new Readiness.Report("SYNCHRONIZED", true, 2));
        assertThat(joining.refs(REPO)).isEqualTo(Map.of(Upstream.MAIN, pushed));
        farm.awaitRequired(Set.of(a.id, joining.id));
    }

    @Test
    void aNodeWhoseLagPassesTheThresholdIsNotReadyAndStopsCounting() throws Exception {
        farm = TestFarm.start(home, 2, PublishedRefs.Settings.DEFAULTS);
        TestFarm.Node a = farm.node(0);
        FarmReadiness readiness = readiness(farm.node(1));
        a.ready();
        assertThat(readiness.report().ready()).isTrue();
        farm.awaitRequired(Set.of(a.id, farm.node(1).id));

        progress.set(new MirrorStatus.Progress("LAGGING", 1, 0, 1, LAG_THRESHOLD.toMillis() + 1, List.of()));

        assertThat(readiness.report()).isEqualTo(new Readiness.Report("LAGGING", false, 2));
        farm.awaitRequired(Set.of(a.id));
    }
}
