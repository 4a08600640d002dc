package dev.facet.farm;

import static dev.facet.farm.FarmClusterTest.freePort;
import static dev.facet.farm.FarmClusterTest.node;
import static dev.facet.farm.FarmClusterTest.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.core.doctor.Finding;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.store.MirrorStore;
import dev.facet.store.DatabaseSettings;
import dev.facet.store.JdbcMirrorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code facet doctor} says about a node's farm, with real members on loopback. */
class ClusterFarmCheckTest {
    @TempDir
    Path homes;

    @Test
    void aFarmWhoseListedMembersAreAllSeenUnderOneIdHasNoFindingUntilARepositoryFallsBehind() throws IOException {
        int first = freePort();
        int second = freePort();
        List<String> members = List.of("127.0.0.1:" + first, "127.0.0.1:" + second);
        Path homeA = Files.createDirectories(homes.resolve("a"));
        Path homeB = Files.createDirectories(homes.resolve("b"));
        try (FarmCluster a = FarmCluster.join(settings("east", first, members), node("node-a"));
             FarmCluster b = FarmCluster.join(settings("east", second, members), node("node-b"))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> a.liveNodeIds().size() == 2);
            FarmId.agree(a, homeA, () -> "farm-1");
            FarmId.agree(b, homeB, () -> "farm-2");

            assertThat(new ClusterFarmCheck(a, homeA, List::of).examine()).isEmpty();
            assertThat(new ClusterFarmCheck(b, homeB, List::of).examine()).isEmpty();

            List<Finding> behind = new ClusterFarmCheck(b, homeB, () -> List.of("PRJ/one", "PRJ/two")).examine();
            assertThat(behind).singleElement().satisfies(finding -> {
                assertThat(finding.problem()).contains("2 repositories are older on this node than the farm published")
                        .contains("PRJ/one, PRJ/two");
                assertThat(finding.fix()).contains("facet.sync");
            });
        }
    }

    @Test
    void aListedAddressWhereAnotherFarmListensIsASplitAndASilentOneIsDown() throws IOException {
        int own = freePort();
        int foreign = freePort();
        int silent = freePort();
        List<String> listed = List.of("127.0.0.1:" + own, "127.0.0.1:" + foreign, "127.0.0.1:" + silent);
        Path home = Files.createDirectories(homes.resolve("a"));
        try (FarmCluster west = FarmCluster.join(settings("west", foreign, List.of("127.0.0.1:" + foreign)),
                node("node-w"));
             FarmCluster east = FarmCluster.join(settings("east", own, listed), node("node-a"))) {
            FarmId.agree(east, home, () -> "farm-1");
            assertThat(west.liveNodeIds()).containsExactly("node-w");

            List<Finding> findings = new ClusterFarmCheck(east, home, List::of).examine();

            assertThat(findings).hasSize(2);
            assertThat(findings.get(0).problem()).contains("127.0.0.1:" + foreign)
                    .contains("answers on its farm port but is not in the farm this node sees (1 member(s): node-a-name")
                    .contains("split");
            assertThat(findings.get(0).fix()).contains("facet.farm.name").contains("facet.farm.members");
            assertThat(findings.get(1).problem()).contains("127.0.0.1:" + silent).contains("does not answer");
            assertThat(findings.get(1).fix()).contains("Start the node at 127.0.0.1:" + silent);
        }
    }

    @Test
    void aHomeThatKeepsAnotherFarmIdOrNoneIsNamedWithTheAgreedOne() throws IOException {
        int port = freePort();
        Path home = Files.createDirectories(homes.resolve("a"));
        try (FarmCluster alone = FarmCluster.join(settings("east", port, List.of("127.0.0.1:" + port)),
                node("node-a"))) {
            FarmId.agree(alone, home, () -> "farm-1");
            Files.writeString(home.resolve(FarmId.FILE), "farm-9\n");

            assertThat(new ClusterFarmCheck(alone, home, List::of).examine()).singleElement()
                    .satisfies(finding -> assertThat(finding.problem()).contains("keeps farm id farm-9")
                            .contains("agree on farm-1"));

            Files.delete(home.resolve(FarmId.FILE));
            assertThat(new ClusterFarmCheck(alone, home, List::of).examine()).singleElement()
                    .satisfies(finding -> {
                        assertThat(finding.problem()).contains("has no").contains("founds a new farm");
                        assertThat(finding.fix()).contains("echo farm-1 > " + home.resolve(FarmId.FILE));
                    });
        }
    }

    @Test
    void theFarmVetsRepairsOfTheLastDayAreShownAndOlderOnesAreNot() throws IOException {
        Path home = Files.createDirectories(homes.resolve("a"));
        int port = freePort();
        Instant now = Instant.parse("2026-12-01T12:00:00Z");
        try (FarmCluster a = FarmCluster.join(settings("east", port, List.of("127.0.0.1:" + port)), node("node-a"));
             MirrorStore store = JdbcMirrorStore.open(DatabaseSettings.embeddedH2(homes.resolve("db")))) {
            FarmId.agree(a, home, () -> "farm-1");
            store.inTransaction(tx -> {
                tx.audit().record(now.minus(Duration.ofDays(2)), "facet", AuditAction.REPAIR, "node-a", null,
                        "farm vet: repository 1 (PRJ/old)");
                tx.audit().record(now.minus(Duration.ofHours(1)), "facet", AuditAction.REPAIR, "node-a", null,
                        "farm vet: repository 2 (PRJ/recent)");
                tx.audit().record(now.minus(Duration.ofMinutes(1)), "facet", AuditAction.PIN, "upstream", null, "");
                return null;
            });
            List<String> repairs = ClusterFarmCheck.recentRepairs(store, Clock.fixed(now, ZoneOffset.UTC));

            List<Finding> findings = new ClusterFarmCheck(a, home, List::of, () -> repairs).examine();

            assertThat(findings).singleElement().satisfies(finding -> {
                assertThat(finding.problem()).contains("repaired 1 copy").contains("PRJ/recent")
                        .doesNotContain("PRJ/old");
                assertThat(finding.fix()).contains("REPAIR");
            });
        }
    }
}
