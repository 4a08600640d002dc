package dev.facet.farm;

import static dev.facet.farm.FarmClusterTest.freePort;
import static dev.facet.farm.FarmClusterTest.node;
import static dev.facet.farm.FarmClusterTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.mirror.UpstreamChanges;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class FarmUpstreamChangesTest {
    /** A node's own changes, as it applied them, in order. */
    static final class Applied implements UpstreamChanges {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void announced(Announcement announcement) {
            seen.add("announced " + announcement.id() + " " + announcement.project() + "/" + announcement.slug() + " "
                    + announcement.upstreamRefsHash() + " " + announcement.changedAt());
        }

        @Override
        public void removed(long repositoryId) {
            seen.add("removed " + repositoryId);
        }

        @Override
        public void permissionsChanged() {
            seen.add("permissions");
        }

        @Override
        public void reconcile() {
            seen.add("reconcile");
        }

        @Override
        public void syncNow(long repositoryId) {
            seen.add("sync now " + repositoryId);
        }
    }

    @Test
    void whatOneNodeSendsEveryNodeAppliesInOrder() throws IOException {
        int first = freePort();
        int second = freePort();
        List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
        Applied onA = new Applied();
        Applied onB = new Applied();
        try (FarmCluster a = FarmCluster.join(settings("changes", first, members), node("node-a"));
             FarmCluster b = FarmCluster.join(settings("changes", second, members), node("node-b"));
             FarmUpstreamChanges fromA = new FarmUpstreamChanges(a, onA);
             FarmUpstreamChanges fromB = new FarmUpstreamChanges(b, onB)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> b.liveNodeIds().size() == 2);
            Instant changedAt = Instant.parse("2026-11-30T12:00:00Z");

            fromA.announced(new UpstreamChanges.Announcement(7, "PRJ", "repo", "repo", false, "abc", changedAt));
            fromA.removed(8);
            fromA.permissionsChanged();
            fromA.reconcile();
            fromB.syncNow(7);

            List<String> expectedFromA = List.of("announced 7 PRJ/repo abc " + changedAt, "removed 8", "permissions",
                    "reconcile");
            for (Applied node : List.of(onA, onB)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> node.seen.size() == 5);
                assertThat(node.seen.stream().filter(change -> !change.startsWith("sync now")).toList())
                        .as("the sender applies its own changes too, in the order sent").isEqualTo(expectedFromA);
                assertThat(node.seen).contains("sync now 7");
            }
        }
    }
}
