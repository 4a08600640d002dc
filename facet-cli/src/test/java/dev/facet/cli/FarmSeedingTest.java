package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestTokens;
import dev.facet.core.mirror.MirroredRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
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
 * A node joining a farm takes its repositories from its peers over the farm's network, not from
 * the primary across the WAN; and the peer endpoint it reads gives nothing to anyone but the farm's
 * live members. A real primary, a farm of real nodes on real Hazelcast members, the real git client.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FarmSeedingTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;
    private static final String ALICE_PASSWORD = "alice-pass-1";
    private static final List<String> REPOSITORIES = List.of("one", "two", "three");
    /** Random bytes do not compress: each repository's pack is about this large. */
    private static final int RANDOM_BYTES_PER_REPOSITORY = 1536 * 1024;
    private static final Map<String, String> FOLLOWING_ONLY = Map.of(RawSettings.RECONCILE_SECONDS, "600");

    @TempDir
    static Path home;
    @TempDir
    Path work;
    static TestPrimary primary;
    static TestFarm farm;
    static GitClient git;
    static final RequestTokens TOKENS = new RequestTokens(Clock.systemUTC(), new SecureRandom(),
            new ReplayGuard(Clock.systemUTC(), ReplayGuard.DEFAULT_CAPACITY));

    @BeforeAll
    static void aPrimaryWithSeveralMegabytesAndAnAuthorizedFarmOfThree() throws IOException {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createProject("SEED");
        primary.createUser("alice", ALICE_PASSWORD);
        primary.grantProject("SEED", "alice", "PROJECT_READ");
        git = new GitClient(home.resolve("git-home"));
        SecureRandom random = new SecureRandom();
        for (String name : REPOSITORIES) {
            primary.createRepository("SEED", name, false);
            Path tree = git.newWorkTree(home.resolve("tree-" + name), "README.md");
            byte[] data = new byte[RANDOM_BYTES_PER_REPOSITORY];
            random.nextBytes(data);
            Files.write(tree.resolve("data.bin"), data);
            git.run(tree, "add", "data.bin").requireSuccess();
            git.run(tree, "commit", "-q", "-m", "data").requireSuccess();
            git.run(tree, "push", "-q", primary.gitUrl("admin", ADMIN, "SEED", name), "main").requireSuccess();
        }
        farm = TestFarm.start(home.resolve("farm"), primary.baseUrl(), "east", 3, FOLLOWING_ONLY);
        farm.authorizeOn(primary);
    }

    @AfterAll
    static void stopAll() {
        if (farm != null) {
            farm.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    @Test
    @Order(1)
    void aFourthNodeTakesEveryRepositoryFromItsPeersAndAlmostNothingFromThePrimary() {
        double primaryBefore = counter(primary.anonymous.get("/metrics").body(), "facet_git_upload_bytes_total");
        double peersBefore = peerUploadBytes();

        TestFarm.Node late = farm.join(FOLLOWING_ONLY);
        late.awaitStatus("SYNCHRONIZED");

        double fromPrimary = counter(primary.anonymous.get("/metrics").body(), "facet_git_upload_bytes_total")
                - primaryBefore;
        double fromPeers = peerUploadBytes() - peersBefore;
        long total = (long) REPOSITORIES.size() * RANDOM_BYTES_PER_REPOSITORY;
        System.out.printf("joining node: %,.0f pack bytes from its peers, %,.0f from the primary (%,d bytes of "
                + "random data in %d repositories)%n", fromPeers, fromPrimary, total, REPOSITORIES.size());
        assertThat(fromPeers).as("pack bytes the peers sent").isGreaterThan(total * 0.9);
        assertThat(fromPrimary).as("pack bytes the primary sent").isLessThan(total * 0.02);

        assertThat(late.anonymous().get("/status").status()).isEqualTo(200);
        List<MirroredRepository> carried = late.instance().store().inTransaction(tx -> tx.repositories().all());
        assertThat(carried).hasSize(REPOSITORIES.size()).allSatisfy(repository ->
                assertThat(repository.localRefsHash()).isNotNull().isEqualTo(repository.upstreamRefsHash()));
        for (String name : REPOSITORIES) {
            assertThat(git.lsRemote(work, late.gitUrl("alice", ALICE_PASSWORD, "SEED", name)))
                    .isEqualTo(git.lsRemote(work, primary.gitUrl("alice", ALICE_PASSWORD, "SEED", name)));
        }
    }

    @Test
    @Order(2)
    void aMemberReadsAPeersCopyWithATokenSignedByItsOwnKey() {
        TestFarm.Node serving = farm.nodes.get(0);
        long id = repositoryId(serving, "one");
        String token = TOKENS.signForResource(identityOf(farm.nodes.get(1)), serving.instance().instanceId(),
                Duration.ofSeconds(30), resource(id));

        RestClient.Response advertised = serving.anonymous().withAuthorization("Bearer " + token)
                .get(resource(id) + "/info/refs?service=git-upload-pack");
        assertThat(advertised.status()).isEqualTo(200);
        assertThat(advertised.body()).contains("refs/heads/main");

        GitClient.Result listed = git.run(work, "-c", "http.extraHeader=Authorization: Bearer " + token, "ls-remote",
                serving.url() + resource(id));
        assertThat(listed.requireSuccess().stdout()).isEqualTo(git.run(work, "ls-remote",
                primary.gitUrl("alice", ALICE_PASSWORD, "SEED", "one")).stdout());
    }

    @Test
    @Order(3)
    void usersOutsidersAndMisaddressedTokensGetNoObject() {
        TestFarm.Node serving = farm.nodes.get(0);
        long id = repositoryId(serving, "one");
        long other = repositoryId(serving, "two");
        String path = resource(id) + "/info/refs?service=git-upload-pack";
        RestClient anonymous = serving.anonymous();
        InstanceIdentity member = identityOf(farm.nodes.get(1));

        assertThat(anonymous.get(path).status()).as("no credentials").isEqualTo(401);
        assertThat(anonymous.as("alice", ALICE_PASSWORD).get(path).status()).as("a user's password").isEqualTo(401);
        assertThat(anonymous.as("admin", ADMIN).get(path).status()).as("an administrator's password").isEqualTo(401);
        String userToken = TestPrimary.expect(201, primary.anonymous.as("alice", ALICE_PASSWORD)
                .put("/rest/access-tokens/1.0/users/alice", RestClient.json("name", "reader", "permissions",
                        new String[] {"REPO_READ"}))).json().path("token").asText();
        assertThat(anonymous.withAuthorization("Bearer " + userToken).get(path).status()).as("a user's access token")
                .isEqualTo(401);
        InstanceIdentity outsider = InstanceIdentity.generate(new SecureRandom());
        assertThat(readWith(serving, path, TOKENS.signForResource(outsider, serving.instance().instanceId(),
                Duration.ofSeconds(30), resource(id)))).as("a key no member carries").isEqualTo(401);
        assertThat(readWith(serving, path, TOKENS.signForResource(member, farm.nodes.get(2).instance().instanceId(),
                Duration.ofSeconds(30), resource(id)))).as("a member's token for another node").isEqualTo(401);
        assertThat(readWith(serving, path, TOKENS.signForResource(member, serving.instance().instanceId(),
                Duration.ofSeconds(30), resource(other)))).as("a member's token for another repository").isEqualTo(401);
        String memberToken = TOKENS.signForResource(member, serving.instance().instanceId(), Duration.ofSeconds(30),
                resource(id));
        assertThat(serving.anonymous().withAuthorization("Bearer " + memberToken)
                .post(resource(id) + "/git-receive-pack", "").status()).as("nothing is pushed to a peer").isEqualTo(404);
        assertThat(readWith(serving, "/farm/scm/repositories/999999.git/info/refs?service=git-upload-pack",
                TOKENS.signForResource(member, serving.instance().instanceId(), Duration.ofSeconds(30),
                        "/farm/scm/repositories/999999.git"))).as("a repository the node lacks").isEqualTo(404);
        assertThat(readWith(serving, "/farm/scm/SEED/one.git/info/refs?service=git-upload-pack", memberToken))
                .as("the users' URL form").isEqualTo(404);
        assertThat(readWith(serving, "/farm/scm/repositories/" + id + ".git/objects/info/packs", memberToken))
                .as("Git's dumb protocol").isEqualTo(404);
    }

    @Test
    @Order(4)
    void aNodeOfAnotherFarmIsRefused() {
        TestFarm.Node serving = farm.nodes.get(0);
        long id = repositoryId(serving, "one");
        try (TestFarm west = TestFarm.start(home.resolve("west"), primary.baseUrl(), "west", 1, FOLLOWING_ONLY)) {
            InstanceIdentity stranger = identityOf(west.nodes.get(0));
            assertThat(readWith(serving, resource(id) + "/info/refs?service=git-upload-pack",
                    TOKENS.signForResource(stranger, serving.instance().instanceId(), Duration.ofSeconds(30),
                            resource(id)))).isEqualTo(401);
        }
    }

    @Test
    @Order(5)
    void aNodeThatLeftTheFarmIsRefused() {
        TestFarm.Node serving = farm.nodes.get(0);
        TestFarm.Node leaving = farm.nodes.get(2);
        long id = repositoryId(serving, "one");
        InstanceIdentity left = identityOf(leaving);
        String path = resource(id) + "/info/refs?service=git-upload-pack";
        assertThat(readWith(serving, path, TOKENS.signForResource(left, serving.instance().instanceId(),
                Duration.ofSeconds(30), resource(id)))).as("while a member").isEqualTo(200);

        farm.stop(leaving);
        await().atMost(Duration.ofSeconds(30)).until(() -> serving.memberCount() == farm.nodes.size());

        assertThat(readWith(serving, path, TOKENS.signForResource(left, serving.instance().instanceId(),
                Duration.ofSeconds(30), resource(id)))).as("once gone").isEqualTo(401);
    }

    private static int readWith(TestFarm.Node node, String path, String token) {
        return node.anonymous().withAuthorization("Bearer " + token).get(path).status();
    }

    private static String resource(long repositoryId) {
        return "/farm/scm/repositories/" + repositoryId + ".git";
    }

    private static long repositoryId(TestFarm.Node node, String slug) {
        return node.instance().store().inTransaction(tx -> tx.repositories().find("SEED", slug)).orElseThrow().id();
    }

    /** The node's own key, read from its home as the node itself reads it. */
    private static InstanceIdentity identityOf(TestFarm.Node node) {
        return InstanceIdentity.loadOrCreate(node.home().resolve("keys"));
    }

    /** The total of every peer's count of pack bytes sent to its peers. */
    private static double peerUploadBytes() {
        return farm.nodes.stream().mapToDouble(node -> counter(node.anonymous().get("/metrics").body(),
                "facet_farm_peer_upload_bytes_total")).sum();
    }

    private static double counter(String metrics, String name) {
        return metrics.lines().filter(line -> line.startsWith(name + " ")).mapToDouble(line ->
                Double.parseDouble(line.substring(name.length() + 1).strip())).findFirst().orElseThrow(() ->
                new AssertionError(name + " is not in the metrics"));
    }
}
