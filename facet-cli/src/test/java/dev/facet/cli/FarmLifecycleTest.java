package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.facet.core.file.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A farm's lifecycle is a single mirror's: deleted on the primary, every node is REMOVED and keeps
 * its data; restored or reconnected (from any node, running or stopped), every node is back with
 * a delta fetch after one acceptance at most; one node is backed up and restored; the doctor
 * checks the farm; a staging copy of the primary cannot touch the farm. A real primary, three real
 * nodes on real Hazelcast members, the real git client. The tests run in order on one farm.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmLifecycleTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;
    private static final String API = "/rest/mirroring/latest";

    @TempDir
    static Path home;
    @TempDir
    Path work;
    static TestPrimary primary;
    static int primaryPort;
    static TestFarm farm;
    static GitClient git;
    static Path source;
    static String sourceUrl;
    static String farmId;
    /** What one node fetched to take the repository whole: a delta must be far below it. */
    static double fullFetch;

    @BeforeAll
    static void aPrimaryAndAnAuthorizedFarmOfThree() throws IOException {
        primary = TestPrimary.start(home.resolve("primary"));
        primaryPort = primary.instance.port();
        git = new GitClient(home.resolve("git-home"));
        source = home.resolve("source");
        sourceUrl = MirrorLifecycleTest.seedLargeRepository(primary, git, source);
        farm = TestFarm.start(home.resolve("farm"), primary.baseUrl(), "lc", 3, Map.of());
        farmId = farm.nodes.get(0).farmId();
        await().atMost(Duration.ofSeconds(60)).until(() -> pendingRequests().size() == 1);
        TestPrimary.expect(200, primary.admin.post(API + "/requests/" + pendingRequests().get(0) + "/accept", null));
        farm.nodes.forEach(node -> node.awaitStatus("SYNCHRONIZED"));
        fullFetch = MirrorLifecycleTest.fetchedBytes(farm.nodes.get(0).anonymous());
        assertThat(fullFetch).isGreaterThan(400_000);
    }

    @AfterAll
    static void stopAll() {
        farm.close();
        primary.close();
    }

    private static List<String> pendingRequests() {
        List<String> ids = new ArrayList<>();
        for (JsonNode request : primary.admin.get(API + "/requests?state=PENDING").json().path("values")) {
            if (request.path("mirrorId").asText().equals(farmId)) {
                ids.add(request.path("id").asText());
            }
        }
        return ids;
    }

    private static int requestsOfTheFarm() {
        return primary.admin.get(API + "/requests?limit=100").json().path("values").findValuesAsText("mirrorId")
                .stream().filter(farmId::equals).toList().size();
    }

    private static String farmPath() {
        return API + "/mirrorServers/" + farmId;
    }

    private static Map<String, Double> fetchedByNode() {
        Map<String, Double> fetched = new HashMap<>();
        farm.nodes.forEach(node -> fetched.put(node.instance().instanceId(),
                MirrorLifecycleTest.fetchedBytes(node.anonymous())));
        return fetched;
    }

    private static List<String> auditActions(TestFarm.Node node) {
        return node.anonymous().as("admin", ADMIN).get(API + "/audit").json().findValuesAsText("action");
    }

    private static List<String> primaryAuditActions() {
        return primary.admin.get(API + "/audit?limit=100").json().path("values").findValuesAsText("action");
    }

    private static void awaitEveryNode(String upstreamState) {
        for (TestFarm.Node node : farm.nodes) {
            await().atMost(Duration.ofSeconds(30)).until(() -> upstreamState.equals(node.upstreamState()));
        }
    }

    private static void deleteTheFarm() {
        TestPrimary.expect(200, primary.admin.delete(farmPath()));
        awaitEveryNode("REMOVED");
    }

    private String pushSmallChange(String name) {
        git.commitFile(source, name + ".txt", name + "\n");
        git.run(source, "push", "-q", sourceUrl, "main").requireSuccess();
        return git.run(source, "rev-parse", "HEAD").requireSuccess().stdout().strip();
    }

    private String headOn(TestFarm.Node node) {
        return git.lsRemote(work, node.gitUrl("admin", ADMIN, "LIFE", "big")).stream()
                .filter(line -> line.endsWith("\trefs/heads/main")).findFirst().orElse("");
    }

    /** Every node serves {@code head}, installed and ready, having fetched a delta since {@code before}. */
    private void everyNodeIsBackWithADelta(String head, Map<String, Double> before) {
        for (TestFarm.Node node : farm.nodes) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> headOn(node).startsWith(head));
            node.awaitStatus("SYNCHRONIZED");
            assertThat(node.upstreamState()).isEqualTo("INSTALLED");
            double delta = MirrorLifecycleTest.fetchedBytes(node.anonymous())
                    - before.getOrDefault(node.instance().instanceId(), 0.0);
            assertThat(delta).as("bytes fetched by node " + node.instance().instanceId()).isLessThan(fullFetch / 10);
        }
    }

    @Test
    @Order(1)
    void deletingTheFarmRemovesEveryNodeAndRestoringBringsEveryOneBackWithADelta() {
        Map<String, Double> before = fetchedByNode();
        int requests = requestsOfTheFarm();

        JsonNode deleted = TestPrimary.expect(200, primary.admin.delete(farmPath())).json();
        assertThat(deleted.path("state").asText()).isEqualTo("REMOVED");
        awaitEveryNode("REMOVED");
        for (TestFarm.Node node : farm.nodes) {
            RestClient.Response status = node.anonymous().get("/status");
            assertThat(status.status()).isEqualTo(503);
            assertThat(status.json().path("state").asText()).isEqualTo("REMOVED");
            assertThat(node.home().resolve("data/repositories/1")).as("the data stays").isDirectory();
            GitClient.Result read = git.run(work, "ls-remote", node.gitUrl("admin", ADMIN, "LIFE", "big"));
            assertThat(read.exitCode()).as("a private repository cannot be checked by a removed node").isNotZero();
            assertThat(read.stderr()).contains("503");
            assertThat(auditActions(node)).contains("REMOVED");
        }
        assertThat(primary.admin.get(farmPath()).json().path("nodes").findValuesAsText("state"))
                .containsOnly("REMOVED");
        String head = pushSmallChange("while-removed");

        TestPrimary.expect(200, primary.admin.post(farmPath() + "/restore", null));

        everyNodeIsBackWithADelta(head, before);
        farm.nodes.forEach(node -> assertThat(auditActions(node)).containsSubsequence("RESTORE", "REMOVED"));
        assertThat(requestsOfTheFarm()).as("a restore needs no new request").isEqualTo(requests);
        assertThat(primaryAuditActions()).containsSubsequence("RESTORE", "DELETE");
    }

    @Test
    @Order(2)
    void aReconnectThroughANodeThatIsNotTheCoordinatorSendsOneRequestAcceptedOnceForEveryNode() {
        deleteTheFarm();
        Map<String, Double> before = fetchedByNode();
        String head = pushSmallChange("before-reconnect");
        TestFarm.Node asking = farm.nodes.get(2);

        TestPrimary.expect(202, asking.anonymous().as("admin", ADMIN).post(API + "/upstreamServer/reconnect", null));

        await().atMost(Duration.ofSeconds(30)).until(() -> pendingRequests().size() == 1);
        String request = pendingRequests().get(0);
        awaitEveryNode("PENDING");
        farm.nodes.forEach(node -> assertThat(node.requestId()).isEqualTo(request));
        assertThat(farm.nodes.get(1).anonymous().as("admin", ADMIN).post(API + "/upstreamServer/reconnect", null)
                .status()).as("the farm is waiting already").isEqualTo(409);
        assertThat(pendingRequests()).as("one request for the whole farm").containsExactly(request);

        TestPrimary.expect(200, primary.admin.post(API + "/requests/" + request + "/accept", null));

        everyNodeIsBackWithADelta(head, before);
        assertThat(pendingRequests()).isEmpty();
        assertThat(auditActions(asking)).contains("RECONNECT");
        assertThat(primaryAuditActions()).contains("RECONNECT");
    }

    @Test
    @Order(3)
    void whenTheCoordinatorLeavesWhileTheRequestWaitsTheNextOldestCompletesIt() {
        deleteTheFarm();
        TestPrimary.expect(202, farm.nodes.get(1).anonymous().as("admin", ADMIN)
                .post(API + "/upstreamServer/reconnect", null));
        await().atMost(Duration.ofSeconds(30)).until(() -> pendingRequests().size() == 1);
        String request = pendingRequests().get(0);
        awaitEveryNode("PENDING");

        TestFarm.Node coordinator = farm.nodes.get(0);
        farm.stop(coordinator);
        TestFarm.Node next = farm.nodes.get(0);
        await().atMost(Duration.ofSeconds(30)).until(() -> next.memberCount() == 2);
        Map<String, Double> before = fetchedByNode();
        String head = pushSmallChange("after-the-coordinator-left");

        TestPrimary.expect(200, primary.admin.post(API + "/requests/" + request + "/accept", null));

        everyNodeIsBackWithADelta(head, before);
        // Only a farm whose request was seen through to the end vouches for a node that joins now.
        TestFarm.Node late = farm.join(Map.of());
        late.awaitStatus("SYNCHRONIZED");
        assertThat(late.upstreamState()).isEqualTo("INSTALLED");
        assertThat(pendingRequests()).isEmpty();
        farm.stop(late);

        TestFarm.Node returned = farm.restart(coordinator.home(), Map.of());
        returned.awaitStatus("SYNCHRONIZED");
        assertThat(returned.upstreamState()).isEqualTo("INSTALLED");
        assertThat(pendingRequests()).isEmpty();
    }

    @Test
    @Order(4)
    void aStoppedNodeReconnectedFromItsHomeBringsTheWholeFarmBackAfterOneAcceptance() {
        deleteTheFarm();
        TestFarm.Node stopped = farm.nodes.get(2);
        farm.stop(stopped);

        FacetRun reconnect = FacetRun.of("mirror", "reconnect", "--home", stopped.home().toString());
        assertThat(reconnect.exit()).as(reconnect.out()).isZero();
        Map<String, Double> before = fetchedByNode();
        String head = pushSmallChange("while-stopped");
        TestFarm.Node restarted = farm.restart(stopped.home(), Map.of());

        await().atMost(Duration.ofSeconds(30)).until(() -> pendingRequests().size() == 1);
        String request = pendingRequests().get(0);
        awaitEveryNode("PENDING");
        TestPrimary.expect(200, primary.admin.post(API + "/requests/" + request + "/accept", null));

        everyNodeIsBackWithADelta(head, before);
        assertThat(auditActions(restarted)).contains("RECONNECT");
        assertThat(pendingRequests()).isEmpty();
    }

    @Test
    @Order(5)
    void oneNodeBackedUpAndRestoredRejoinsItsFarmAsItselfAndCatchesUpWithADelta() throws IOException {
        TestFarm.Node node = farm.nodes.get(1);
        String nodeId = node.instance().instanceId();
        Path backup = work.resolve("node-backup.zip");
        FacetRun run = FacetRun.of("backup", "--home", node.home().toString(), "--to", backup.toString());
        assertThat(run.exit()).as(run.out()).isZero();
        farm.stop(node);
        Directories.deleteTree(node.home());
        Map<String, Double> before = fetchedByNode();
        int requests = requestsOfTheFarm();
        String head = pushSmallChange("while-the-node-was-lost");

        FacetRun restore = FacetRun.of("restore", "--from", backup.toString(), "--home", node.home().toString());
        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(Files.readString(node.home().resolve("farm-id")).strip()).as("the home keeps its farm")
                .isEqualTo(farmId);

        TestFarm.Node restored = farm.restart(node.home(), Map.of());
        assertThat(restored.instance().instanceId()).isEqualTo(nodeId);
        everyNodeIsBackWithADelta(head, before);
        assertThat(restored.farmId()).isEqualTo(farmId);
        assertThat(requestsOfTheFarm()).as("no new request").isEqualTo(requests);
        assertThat(primary.admin.get(farmPath()).json().path("nodes").findValuesAsText("id")).contains(nodeId);
    }

    @Test
    @Order(6)
    void theDoctorOfAFarmNodeNamesAListedMemberThatDoesNotAnswer() {
        TestFarm.Node checked = farm.nodes.get(0);
        FacetRun healthy = FacetRun.of("doctor", "--home", checked.home().toString());
        assertThat(healthy.exit()).as(healthy.out()).isZero();
        assertThat(healthy.out()).contains("Healthy");

        TestFarm.Node stopped = farm.nodes.get(2);
        String member = farm.memberOf(stopped.home());
        farm.stop(stopped);
        await().atMost(Duration.ofSeconds(30)).until(() -> checked.memberCount() == 2);

        FacetRun doctor = FacetRun.of("doctor", "--home", checked.home().toString());
        assertThat(doctor.exit()).isEqualTo(1);
        assertThat(doctor.out()).contains("Farm member " + member + " on this node's member list does not answer")
                .contains("this node sees 2 member(s)").contains("Start the node at " + member);
        farm.restart(stopped.home(), Map.of()).awaitStatus("SYNCHRONIZED");
    }

    @Test
    @Order(7)
    void aStagingCopyOfThePrimaryNeverRemovesANodeNorSpeaksForProduction() throws IOException {
        for (TestFarm.Node node : farm.nodes) {
            assertThat(headOn(node)).as("admin read through every node, remembered for the offline policy")
                    .isNotEmpty();
        }
        Path staging = work.resolve("staging");
        primary.close();
        TestFiles.copyTree(home.resolve("primary"), staging);
        primary = TestPrimary.start(home.resolve("primary"), null, Map.of("FACET_PORT", Integer.toString(primaryPort)));
        try (TestPrimary copy = TestPrimary.start(staging)) {
            TestPrimary.expect(200, copy.admin.delete(farmPath()));
        }
        String head = pushSmallChange("after-the-copy-deleted-the-farm");
        for (TestFarm.Node node : farm.nodes) {
            await().atMost(Duration.ofSeconds(20)).until(() -> headOn(node).startsWith(head));
            assertThat(node.upstreamState()).isEqualTo("INSTALLED");
        }

        FacetRun prepare = FacetRun.of("staging-prepare", "--home", staging.toString(),
                "--base-url", "http://staging.example.com:7990");
        assertThat(prepare.exit()).as(prepare.out()).isZero();
        assertThat(prepare.out()).contains("mirror registrations removed: 1").contains("farm nodes removed:");
        primary.close();
        // The prepared copy answers where production did: the nodes refuse it, and keep serving.
        try (TestPrimary copy = TestPrimary.start(staging, null, Map.of("FACET_PORT", Integer.toString(primaryPort),
                "FACET_BASE_URL", "http://127.0.0.1:" + primaryPort))) {
            for (TestFarm.Node node : farm.nodes) {
                await().atMost(Duration.ofSeconds(30)).until(() -> node.anonymous().get(API + "/upstreamServer").json()
                        .path("alerts").size() > 0);
                assertThat(node.upstreamState()).isEqualTo("INSTALLED");
                assertThat(headOn(node)).as("still serving what it holds").startsWith(head);
            }
            assertThat(copy.admin.get(API + "/mirrorServers").json().path("values")).isEmpty();
            assertThat(copy.admin.get(API + "/requests").json().path("values")).isEmpty();
        } finally {
            primary = TestPrimary.start(home.resolve("primary"), null,
                    Map.of("FACET_PORT", Integer.toString(primaryPort)));
        }
        for (TestFarm.Node node : farm.nodes) {
            assertThat(node.upstreamState()).as("production's farm was never removed").isEqualTo("INSTALLED");
        }
    }
}
