package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.facet.farm.FarmId;
import dev.facet.farm.FarmMismatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real primary and a farm of real mirror nodes on loopback, joined on real Hazelcast members,
 * driven by the real git client. The tests run in order: the farm is authorized, serves, loses its
 * coordinator, and takes a node that joins later.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmEndToEndTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;
    /**
     * Reconciliation far apart, so that what reaches a node within a test came by the farm's own
     * paths: the coordinator's event stream and the topic. The farm vet looks every second.
     */
    private static final Map<String, String> FOLLOWING_ONLY = Map.of(RawSettings.RECONCILE_SECONDS, "600",
            RawSettings.FARM_VET_SECONDS, "1");

    @TempDir
    static Path home;
    @TempDir
    Path work;
    static TestPrimary primary;
    static TestFarm farm;
    static GitClient seeder;

    @BeforeAll
    static void primaryAndAFarmOfTwo() {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createProject("FRM");
        primary.createRepository("FRM", "seeded", false);
        primary.createUser("alice", "alice-pass-1");
        primary.grantProject("FRM", "alice", "PROJECT_WRITE");
        seeder = new GitClient(home.resolve("seeder-home"));
        Path seed = seeder.newWorkTree(home.resolve("seed"), "README.md");
        seeder.run(seed, "push", "-q", primary.gitUrl("admin", ADMIN, "FRM", "seeded"), "main").requireSuccess();
        farm = TestFarm.start(home.resolve("farm"), primary.baseUrl(), "east", 2, FOLLOWING_ONLY);
    }

    @AfterAll
    static void stopAll() {
        farm.close();
        primary.close();
    }

    /**
     * Whether the primary speaks the farm's side of the protocol (node-signed requests, {@code POST
     * nodes}); where it does not yet, the tests that need it are skipped rather than failed.
     */
    static boolean primaryKnowsFarms() {
        return primary.anonymous.post("/rest/mirroring/latest/nodes", "{}").status() != 404;
    }

    private static List<JsonNode> pendingRequestsOf(String mirrorId) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode request : primary.admin.get("/rest/mirroring/latest/requests?state=PENDING").json()
                .path("values")) {
            if (request.path("mirrorId").asText().equals(mirrorId)) {
                found.add(request);
            }
        }
        return found;
    }

    private GitClient git() {
        return new GitClient(work.resolve("git-home"));
    }

    private String pushToPrimary(GitClient git, String branch) {
        String url = primary.gitUrl("alice", "alice-pass-1", "FRM", "seeded");
        Path clone = work.resolve("c-" + branch);
        git.run(work, "clone", "-q", url, clone.toString()).requireSuccess();
        git.commitFile(clone, branch + ".txt", branch + "\n");
        git.run(clone, "push", "-q", url, "HEAD:refs/heads/" + branch).requireSuccess();
        return git.run(clone, "rev-parse", "HEAD").requireSuccess().stdout().strip();
    }

    @Test
    @Order(1)
    void everyNodeAgreesOnOneFarmIdAndCountsTheMembers() {
        TestFarm.Node first = farm.nodes.get(0);
        TestFarm.Node second = farm.nodes.get(1);
        assertThat(second.farmId()).isEqualTo(first.farmId());

        await().atMost(Duration.ofSeconds(30)).until(() -> second.memberCount() == 2);
        RestClient.Response listed = second.anonymous().as("admin", ADMIN).get("/rest/mirroring/latest/farmNodes");
        assertThat(listed.status()).as("no upstream can vouch for anyone yet").isEqualTo(404);
        assertThat(listed.body()).contains("not installed").doesNotContain(first.instance().instanceId());
    }

    @Test
    @Order(2)
    void theFarmSendsOneRequestAndOneAcceptanceInstallsEveryNode() {
        assumeTrue(primaryKnowsFarms(), "the primary does not speak the farm's side of the protocol yet");
        String farmId = farm.nodes.get(0).farmId();
        await().atMost(Duration.ofSeconds(30)).until(() -> pendingRequestsOf(farmId).size() == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> farm.nodes.stream()
                .allMatch(node -> "PENDING".equals(node.upstreamState())));
        String requestId = pendingRequestsOf(farmId).get(0).path("id").asText();
        assertThat(farm.nodes).allSatisfy(node -> assertThat(node.requestId()).isEqualTo(requestId));
        assertThat(pendingRequestsOf(farmId)).as("one request for the whole farm").hasSize(1);

        TestPrimary.expect(200, primary.admin.post("/rest/mirroring/latest/requests/" + requestId + "/accept", null));

        for (TestFarm.Node node : farm.nodes) {
            node.awaitStatus("SYNCHRONIZED");
            assertThat(node.upstreamState()).isEqualTo("INSTALLED");
        }
        JsonNode onPrimary = primary.admin.get("/rest/mirroring/latest/mirrorServers/" + farmId).json();
        assertThat(onPrimary.path("mirrorType").asText()).isEqualTo("FARM");
        assertThat(onPrimary.path("baseUrl").asText()).isEqualTo(farm.loadBalancerUrl);
    }

    @Test
    @Order(3)
    void anAdministratorOfThePrimaryListsTheMembersAndNobodyElseLearnsWhereTheyAre() {
        assumeTrue(primaryKnowsFarms(), "the primary does not speak the farm's side of the protocol yet");
        TestFarm.Node first = farm.nodes.get(0);
        TestFarm.Node second = farm.nodes.get(1);
        String path = "/rest/mirroring/latest/farmNodes";

        JsonNode listed = TestPrimary.expect(200, second.anonymous().as("admin", ADMIN).get(path)).json();
        assertThat(listed).extracting(node -> node.path("id").asText())
                .containsExactly(first.instance().instanceId(), second.instance().instanceId());
        assertThat(listed).extracting(node -> node.path("local").asBoolean()).containsExactly(false, true);
        assertThat(listed.get(0).path("address").path("hostName").asText()).isEqualTo("127.0.0.1");
        assertThat(farm.members()).contains("127.0.0.1:" + listed.get(0).path("address").path("port").asInt());
        Set<String> fields = new java.util.TreeSet<>();
        listed.get(0).fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as("no key, no URL of another node, nothing more than Bitbucket's shape")
                .containsExactly("address", "buildVersion", "id", "local", "name");

        String adminToken = TestPrimary.expect(201, primary.admin.put("/rest/access-tokens/1.0/users/admin",
                RestClient.json("name", "farm-reader", "permissions", List.of("REPO_READ")))).json().path("token").asText();
        for (TestFarm.Node node : farm.nodes) {
            Map<String, RestClient.Response> answers = new java.util.LinkedHashMap<>();
            answers.put("anonymous", node.anonymous().get(path));
            answers.put("a wrong password", node.anonymous().as("admin", "a-wrong-guess").get(path));
            answers.put("a plain user", node.anonymous().as("alice", "alice-pass-1").get(path));
            answers.put("an administrator's token", node.anonymous().as("admin", adminToken).get(path));
            answers.put("a bearer token", node.anonymous().withAuthorization("Bearer " + adminToken).get(path));
            answers.forEach((who, answer) -> {
                assertThat(answer.status()).as(who + " on " + node.url()).isIn(401, 403);
                assertThat(answer.body()).as(who).doesNotContain(first.instance().instanceId())
                        .doesNotContain(second.instance().instanceId()).doesNotContain(farm.members().get(0));
            });
            assertThat(answers.get("anonymous").status()).isEqualTo(401);
            assertThat(answers.get("a plain user").status()).isEqualTo(403);
        }
    }

    @Test
    @Order(4)
    void aPushToThePrimaryAppearsOnEveryNode() {
        assumeTrue(primaryKnowsFarms(), "the primary does not speak the farm's side of the protocol yet");
        GitClient git = git();
        String head = pushToPrimary(git, "to-all");

        for (TestFarm.Node node : farm.nodes) {
            await().atMost(Duration.ofSeconds(15)).until(() -> git.lsRemote(work,
                    node.gitUrl("alice", "alice-pass-1", "FRM", "seeded")).contains(head + "\trefs/heads/to-all"));
        }
    }

    @Test
    @Order(5)
    void credentialsAreJudgedByThePrimaryThroughEitherNode() {
        assumeTrue(primaryKnowsFarms(), "the primary does not speak the farm's side of the protocol yet");
        GitClient git = git();
        for (TestFarm.Node node : farm.nodes) {
            assertThat(git.run(work, "ls-remote", node.gitUrl("alice", "alice-pass-1", "FRM", "seeded")).exitCode())
                    .isZero();
            GitClient.Result guessed = git.run(work, "ls-remote",
                    node.gitUrl("alice", "a-wrong-guess", "FRM", "seeded"));
            assertThat(guessed.exitCode()).as("a wrong password is refused on " + node.url()).isNotZero();
            assertThat(git.run(work, "ls-remote", GitUrls.anonymous(node.url(), "FRM", "seeded")).exitCode())
                    .as("a private repository is not served to anyone").isNotZero();
        }
    }

    @Test
    @Order(6)
    void aPushThroughOneNodeIsReadThroughTheOther() {
        assumeTrue(primaryKnowsFarms(), "the primary does not speak the farm's side of the protocol yet");
        GitClient git = git();
        TestFarm.Node pushedTo = farm.nodes.get(1);
        TestFarm.Node readFrom = farm.nodes.get(0);
        String url = pushedTo.gitUrl("alice", "alice-pass-1", "FRM", "seeded");
        Path clone = work.resolve("through-node");
        git.run(work, "clone", "-q", url, clone.toString()).requireSuccess();
        git.commitFile(clone, "via-node.txt", "through one node\n");
        git.run(clone, "push", "-q", url, "HEAD:refs/heads/via-node").requireSuccess();
        String head = git.run(clone, "rev-parse", "HEAD").requireSuccess().stdout().strip();

        assertThat(git.lsRemote(work, url)).contains(head + "\trefs/heads/via-node");
        await().atMost(Duration.ofSeconds(5)).until(() -> git.lsRemote(work,
                readFrom.gitUrl("alice", "alice-pass-1", "FRM", "seeded")).contains(head + "\trefs/heads/via-node"));
    }

    @Test
    @Order(7)
    void aNodeOfAnotherFarmRefusesToJoin() throws IOException {
        Path stranger = Files.createDirectories(home.resolve("stranger"));
        Files.writeString(stranger.resolve(FarmId.FILE), "another-farm\n");
        Map<String, String> flags = farm.flags("127.0.0.1:" + TestFarm.freePort(), farm.members(), FOLLOWING_ONLY);
        List<String> listed = new ArrayList<>(farm.members());
        listed.add("127.0.0.1:" + flags.get(RawSettings.FARM_PORT));
        flags.put(RawSettings.FARM_MEMBERS, String.join(",", listed));

        assertThatThrownBy(() -> MirrorInstance.start(MirrorSettings.load(stranger, flags, Map.of())))
                .isInstanceOf(FarmMismatch.class)
                .hasMessageContaining("another-farm")
                .hasMessageContaining(farm.nodes.get(0).farmId());
        await().atMost(Duration.ofSeconds(30)).until(() -> farm.nodes.get(0).memberCount() == farm.nodes.size());
    }

    @Test
    @Order(8)
    void whenTheCoordinatorLeavesTheNextOldestFollowsAndANewPushStillArrives() {
        assumeTrue(primaryKnowsFarms(), "the primary does not speak the farm's side of the protocol yet");
        TestFarm.Node coordinator = farm.nodes.get(0);
        TestFarm.Node survivor = farm.nodes.get(1);
        farm.stop(coordinator);
        await().atMost(Duration.ofSeconds(30)).until(() -> survivor.memberCount() == 1);

        GitClient git = git();
        String head = pushToPrimary(git, "after-takeover");

        await().atMost(Duration.ofSeconds(15)).until(() -> git.lsRemote(work,
                survivor.gitUrl("alice", "alice-pass-1", "FRM", "seeded")).contains(head + "\trefs/heads/after-takeover"));
        assertThat(survivor.upstreamState()).isEqualTo("INSTALLED");
    }

    @Test
    @Order(9)
    void aNodeStartedLaterJoinsWithNoAdministrator() {
        assumeTrue(primaryKnowsFarms(), "the primary does not speak the farm's side of the protocol yet");
        String farmId = farm.nodes.get(0).farmId();
        TestFarm.Node late = farm.join(new HashMap<>(FOLLOWING_ONLY));

        late.awaitStatus("SYNCHRONIZED");
        assertThat(late.upstreamState()).isEqualTo("INSTALLED");
        assertThat(late.farmId()).isEqualTo(farmId);
        assertThat(pendingRequestsOf(farmId)).as("no new request for an administrator").isEmpty();
        JsonNode audit = late.anonymous().as("admin", ADMIN).get("/rest/mirroring/latest/audit").json();
        assertThat(audit).anySatisfy(entry -> {
            assertThat(entry.path("action").asText()).isEqualTo("PIN");
            assertThat(entry.path("details").asText()).contains("farm 'east' (" + farmId + ")")
                    .contains("registered by node");
        });
        assertThat(git().lsRemote(work, late.gitUrl("alice", "alice-pass-1", "FRM", "seeded")))
                .anyMatch(line -> line.endsWith("\trefs/heads/after-takeover"));
        Set<String> listedOnPrimary = primary.admin.get("/rest/mirroring/latest/mirrorServers/" + farmId).json()
                .path("nodes").findValuesAsText("id").stream().collect(Collectors.toSet());
        assertThat(listedOnPrimary).as("the primary lists the node it was vouched for").contains(late.instance().instanceId());
    }

    @Test
    @Order(10)
    void aCopyChangedOnOneNodesDiskIsRepairedByItsFarmVetAndTheRepairIsInItsAuditTrail() {
        assumeTrue(primaryKnowsFarms(), "the primary does not speak the farm's side of the protocol yet");
        assertThat(farm.nodes).as("the node that joined later and the one that stayed").hasSize(2);
        TestFarm.Node changed = farm.nodes.get(1);
        TestFarm.Node other = farm.nodes.get(0);
        long id = primary.admin.get("/rest/api/1.0/projects/FRM/repos/seeded").json().path("id").asLong();
        Path repository = InstanceHome.repositories(changed.home()).resolve(Long.toString(id));
        GitClient git = git();
        String url = changed.gitUrl("alice", "alice-pass-1", "FRM", "seeded");
        List<String> published = git.lsRemote(work, url);
        String main = git.run(work, "--git-dir", repository.toString(), "rev-parse", "refs/heads/main")
                .requireSuccess().stdout().strip();

        git.run(work, "--git-dir", repository.toString(), "update-ref", "refs/heads/to-all", main).requireSuccess();
        git.run(work, "--git-dir", repository.toString(), "update-ref", "-d", "refs/heads/via-node").requireSuccess();
        git.run(work, "--git-dir", repository.toString(), "update-ref", "refs/heads/stray", main).requireSuccess();

        // Restored on disk by the vet itself, before any read through the node could do it.
        await().atMost(Duration.ofSeconds(15)).until(() -> git.run(work, "--git-dir", repository.toString(),
                "for-each-ref", "--format=%(refname)", "refs/heads/").stdout().lines()
                .toList().equals(List.of("refs/heads/after-takeover", "refs/heads/main", "refs/heads/to-all",
                        "refs/heads/via-node")));
        assertThat(git.lsRemote(work, url)).containsExactlyInAnyOrderElementsOf(published);
        JsonNode audit = changed.anonymous().as("admin", ADMIN).get("/rest/mirroring/latest/audit").json();
        assertThat(audit).anySatisfy(entry -> {
            assertThat(entry.path("action").asText()).isEqualTo("REPAIR");
            assertThat(entry.path("details").asText()).contains("FRM/seeded")
                    .contains("DELETE refs/heads/stray").contains("CREATE refs/heads/via-node");
        });
        JsonNode otherAudit = other.anonymous().as("admin", ADMIN).get("/rest/mirroring/latest/audit").json();
        assertThat(otherAudit).noneSatisfy(entry -> assertThat(entry.path("action").asText()).isEqualTo("REPAIR"));
    }
}
