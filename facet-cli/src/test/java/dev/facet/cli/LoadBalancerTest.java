package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.cli.LoadBalancerProcess.Kind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HAProxy and nginx, run from the configurations in {@code docs/load-balancers/}, in front of real
 * mirrors of one primary, driven with the real {@code git} client. Two lone mirrors stand in for a
 * farm's nodes: the balancers' configurations are the same. Each test starts its own balancer, so
 * what one balancer learned about a node (nginx's passive checks) never reaches another test.
 */
class LoadBalancerTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;
    private static final String ALICE_PASSWORD = "alice-pass-1";
    private static final String BOB_PASSWORD = "bob-pass-123";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** HTTP/1.1 only: the JDK client would otherwise offer each balancer an h2c upgrade first. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    static Path shared;
    @TempDir
    Path work;
    static TestPrimary primary;
    static TestMirror nodeA;
    static TestMirror nodeB;

    @BeforeAll
    static void startPrimaryAndTwoAuthorizedMirrors() {
        primary = TestPrimary.start(shared.resolve("primary"));
        primary.createProject("LB");
        primary.createRepository("LB", "served", false);
        primary.createUser("alice", ALICE_PASSWORD);
        primary.grantProject("LB", "alice", "PROJECT_WRITE");
        primary.createUser("bob", BOB_PASSWORD);
        primary.grantProject("LB", "bob", "PROJECT_READ");
        GitClient seeder = new GitClient(shared.resolve("seeder-home"));
        Path seed = seeder.newWorkTree(shared.resolve("seed"), "README.md", "src.txt");
        seeder.run(seed, "push", "-q", primary.gitUrl("admin", ADMIN, "LB", "served"), "main").requireSuccess();
        nodeA = TestMirror.startAuthorized(shared.resolve("node-a"), primary);
        nodeB = TestMirror.startAuthorized(shared.resolve("node-b"), primary);
    }

    @AfterAll
    static void stopAll() {
        if (nodeB != null) {
            nodeB.close();
        }
        if (nodeA != null) {
            nodeA.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theBalancerSpreadsRequestsOverEveryReadyNode(Kind kind) {
        try (LoadBalancerProcess balancer = balancer(kind, nodeA, nodeB)) {
            Set<String> seen = new HashSet<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                seen.add(servedBy(balancer));
                return seen.size() == 2;
            });
            assertThat(seen).containsExactlyInAnyOrder(nodeA.instance.instanceId(), nodeB.instance.instanceId());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void cloneFetchAndLsRemoteThroughTheBalancerAgreeWithThePrimary(Kind kind) {
        try (LoadBalancerProcess balancer = balancer(kind, nodeA, nodeB)) {
            GitClient git = new GitClient(work.resolve("git-home"));
            String throughBalancer = GitUrls.withCredentials(balancer.baseUrl(), "alice", ALICE_PASSWORD, "LB", "served");
            String onPrimary = primary.gitUrl("alice", ALICE_PASSWORD, "LB", "served");

            assertThat(git.lsRemote(work, throughBalancer)).isEqualTo(git.lsRemote(work, onPrimary))
                    .anyMatch(line -> line.endsWith("\trefs/heads/main"));

            Path clone = work.resolve("clone");
            git.run(work, "clone", "-q", throughBalancer, clone.toString()).requireSuccess();
            git.run(clone, "fsck", "--strict", "--no-dangling").requireSuccess();

            git.commitFile(clone, "fetched-" + kind + ".txt", "pushed to the primary\n");
            String branch = "fetched-" + kind.name().toLowerCase();
            git.run(clone, "push", "-q", onPrimary, "HEAD:refs/heads/" + branch).requireSuccess();
            String head = git.run(clone, "rev-parse", "HEAD").requireSuccess().stdout().strip();
            git.run(clone, "reset", "-q", "--hard", "HEAD~1").requireSuccess();
            // The requests of one fetch may land on different lone mirrors; a farm publishes a ref
            // only once every node holds it, and here the test waits for the same.
            awaitServedByEveryNode(git, branch, head);

            git.run(clone, "fetch", "-q", "origin").requireSuccess();
            assertThat(git.run(clone, "rev-parse", "origin/" + branch).requireSuccess().stdout().strip())
                    .isEqualTo(head);
            git.run(clone, "fsck", "--strict", "--no-dangling").requireSuccess();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theBalancerRefusesTheNodesPeerEndpointItself(Kind kind) throws Exception {
        String peerPath = "/farm/scm/repositories/1.git/info/refs?service=git-upload-pack";
        RestClient.Response direct = RestClient.anonymous("http://127.0.0.1:" + nodeA.instance.port()).get(peerPath);
        assertThat(direct.status()).isEqualTo(404);
        try (LoadBalancerProcess balancer = balancer(kind, nodeA, nodeB)) {
            HttpResponse<String> through = HTTP.send(HttpRequest.newBuilder(URI.create(balancer.baseUrl() + peerPath))
                    .header("Authorization", "Bearer " + "x".repeat(40)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(through.statusCode()).isEqualTo(404);
            assertThat(through.body()).as("answered by the balancer, never by a node").doesNotContain(direct.body()
                    .strip());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void noSpellingOfThePeerPathGetsThroughTheBalancer(Kind kind) {
        String peer = "repositories/1.git/info/refs?service=git-upload-pack";
        List<String> spellings = List.of("/scm/../farm/scm/" + peer, "/./farm/scm/" + peer, "/%66arm/scm/" + peer,
                "/farm%2Fscm/" + peer, "//farm/scm/" + peer, "/scm/%2e%2e/farm/scm/" + peer);
        // The node itself takes the dot segments for what they mean: these reach its peer endpoint.
        assertThat(getRaw("http://127.0.0.1:" + nodeA.instance.port(), spellings.get(0)))
                .contains("belongs to no farm");
        try (FakeNode node = FakeNode.start(FakeNode.Behaviour.ANSWER);
             LoadBalancerProcess balancer = balancer(kind, node)) {
            for (String spelling : spellings) {
                getRaw(balancer.baseUrl(), spelling);
            }

            assertThat(node.requests()).as(balancer.log()).extracting(FakeNode.Request::target).isEmpty();
        }
    }

    /** Sends a GET with the path exactly as written, which an HTTP client library might tidy up, and returns the answer. */
    private static String getRaw(String baseUrl, String path) {
        URI base = URI.create(baseUrl);
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getAuthority()
                    + "\r\nAuthorization: Bearer " + "x".repeat(40) + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPushThroughTheBalancerReachesThePrimary(Kind kind) {
        try (LoadBalancerProcess balancer = balancer(kind, nodeA, nodeB)) {
            GitClient git = new GitClient(work.resolve("git-home"));
            String throughBalancer = GitUrls.withCredentials(balancer.baseUrl(), "alice", ALICE_PASSWORD, "LB", "served");
            Path clone = work.resolve("clone");
            git.run(work, "clone", "-q", throughBalancer, clone.toString()).requireSuccess();
            git.commitFile(clone, "pushed-" + kind + ".txt", "pushed through the balancer\n");
            String branch = "pushed-" + kind.name().toLowerCase();

            git.run(clone, "push", "-q", throughBalancer, "HEAD:refs/heads/" + branch).requireSuccess();

            String head = git.run(clone, "rev-parse", "HEAD").requireSuccess().stdout().strip();
            assertThat(git.lsRemote(work, primary.gitUrl("alice", ALICE_PASSWORD, "LB", "served")))
                    .contains(head + "\trefs/heads/" + branch);
            awaitServedByEveryNode(git, branch, head);
            assertThat(git.lsRemote(work, throughBalancer)).contains(head + "\trefs/heads/" + branch);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theNodesRefusalsReachTheClientUnchanged(Kind kind) {
        try (LoadBalancerProcess balancer = balancer(kind, nodeA, nodeB)) {
            GitClient git = new GitClient(work.resolve("git-home"));
            String asBob = GitUrls.withCredentials(balancer.baseUrl(), "bob", BOB_PASSWORD, "LB", "served");
            Path clone = work.resolve("clone");
            git.run(work, "clone", "-q", asBob, clone.toString()).requireSuccess();
            git.commitFile(clone, "bob.txt", "bob may only read\n");
            String branch = "bob-" + kind.name().toLowerCase();

            GitClient.Result push = git.run(clone, "push", asBob, "HEAD:refs/heads/" + branch);

            assertThat(push.exitCode()).isNotZero();
            assertThat(push.stderr()).contains("403");
            assertThat(git.lsRemote(work, primary.gitUrl("admin", ADMIN, "LB", "served")))
                    .noneMatch(line -> line.endsWith("refs/heads/" + branch));
            GitClient.Result stranger = git.run(work, "ls-remote",
                    GitUrls.withCredentials(balancer.baseUrl(), "mallory", "not-a-password", "LB", "served"));
            assertThat(stranger.exitCode()).isNotZero();
            assertThat(stranger.stderr()).contains("Authentication failed");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theBalancerTellsTheNodeTheClientsAddressAndSchemeNotWhatTheClientClaims(Kind kind) {
        try (FakeNode node = FakeNode.start(FakeNode.Behaviour.ANSWER);
             LoadBalancerProcess balancer = balancer(kind, node)) {
            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(balancer.baseUrl()
                            + "/rest/api/1.0/projects"))
                    .header("X-Forwarded-For", "203.0.113.9")
                    .header("X-Forwarded-Proto", "https")
                    .GET());

            assertThat(answer.statusCode()).as(balancer.log()).isEqualTo(200);
            FakeNode.Request received = node.requests().get(0);
            assertThat(received.headers()).containsEntry("x-forwarded-for", "127.0.0.1")
                    .containsEntry("x-forwarded-proto", "http");
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aPushBodyIsSentToOneNodeOnlyEvenWhenThatNodeNeverAnswers(Kind kind) {
        try (FakeNode first = FakeNode.start(FakeNode.Behaviour.CUT_OFF);
             FakeNode second = FakeNode.start(FakeNode.Behaviour.CUT_OFF);
             LoadBalancerProcess balancer = balancer(kind, first, second)) {
            // Small and in one write with its headers, as Git sends a small push: a balancer could send
            // it again if its configuration allowed it.
            byte[] pack = new byte[512];
            int status = postInOneWrite(balancer, "/scm/lb/served.git/git-receive-pack",
                    "application/x-git-receive-pack-request", pack);

            assertThat(status).as(balancer.log()).isEqualTo(502);
            List<FakeNode.Request> received = Stream.concat(first.requests().stream(), second.requests().stream())
                    .toList();
            assertThat(received).as("the push as the nodes received it").singleElement()
                    .satisfies(push -> assertThat(push.bodyBytes()).isEqualTo(pack.length));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aReadThatANodeLeavesUnansweredIsTriedOnAnotherNode(Kind kind) {
        try (FakeNode first = FakeNode.start(FakeNode.Behaviour.CUT_OFF);
             FakeNode second = FakeNode.start(FakeNode.Behaviour.CUT_OFF);
             LoadBalancerProcess balancer = balancer(kind, first, second)) {
            String advertisement = "/scm/lb/served.git/info/refs?service=git-upload-pack";

            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(balancer.baseUrl() + advertisement))
                    .GET());

            assertThat(answer.statusCode()).as(balancer.log()).isEqualTo(502);
            assertThat(first.requests()).extracting(FakeNode.Request::target).contains(advertisement);
            assertThat(second.requests()).extracting(FakeNode.Request::target).contains(advertisement);
        }
    }

    /** Git's upload-pack POST only negotiates what to send, so HAProxy may send it again; nginx never sends a POST twice. */
    @Test
    void haproxyTriesGitsReadingPostOnAnotherNode() {
        try (FakeNode first = FakeNode.start(FakeNode.Behaviour.CUT_OFF);
             FakeNode second = FakeNode.start(FakeNode.Behaviour.CUT_OFF);
             LoadBalancerProcess balancer = balancer(Kind.HAPROXY, first, second)) {
            String uploadPack = "/scm/lb/served.git/git-upload-pack";

            HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(balancer.baseUrl() + uploadPack))
                    .header("Content-Type", "application/x-git-upload-pack-request")
                    .POST(HttpRequest.BodyPublishers.ofString("0000")));

            assertThat(answer.statusCode()).as(balancer.log()).isEqualTo(502);
            assertThat(first.requests()).extracting(FakeNode.Request::target).contains(uploadPack);
            assertThat(second.requests()).extracting(FakeNode.Request::target).contains(uploadPack);
        }
    }

    @Test
    void haproxyRoutesToANodeOnlyWhileItsStatusIs200() {
        try (TestMirror late = TestMirror.start(work.resolve("node-late"), primary, Map.of());
             LoadBalancerProcess haproxy = balancer(Kind.HAPROXY, nodeA, late)) {
            String lateId = late.instance.instanceId();
            String mirrorOnPrimary = "/rest/mirroring/latest/mirrorServers/" + lateId;

            // Not yet authorized: its /status is 503.
            late.awaitPendingRequest(primary);
            assertThat(late.anonymous.get("/status").status()).isEqualTo(503);
            awaitOnlyNodeAServes(haproxy);

            late.authorizeOn(primary);
            await().atMost(Duration.ofSeconds(30)).until(() -> lateId.equals(servedBy(haproxy)));

            // Removed on the primary: 503 again, while it still answers every request.
            TestPrimary.expect(200, primary.admin.delete(mirrorOnPrimary));
            await().atMost(Duration.ofSeconds(30)).until(() -> late.anonymous.get("/status").status() == 503);
            awaitOnlyNodeAServes(haproxy);

            TestPrimary.expect(200, primary.admin.post(mirrorOnPrimary + "/restore", null));
            late.awaitState("SYNCHRONIZED");
            await().atMost(Duration.ofSeconds(30)).until(() -> lateId.equals(servedBy(haproxy)));
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void theBalancerPassesOverAStoppedNode(Kind kind) {
        TestMirror leaving = TestMirror.startAuthorized(work.resolve("node-leaving"), primary);
        boolean stopped = false;
        try (LoadBalancerProcess balancer = balancer(kind, nodeA, leaving)) {
            String leavingId = leaving.instance.instanceId();
            await().atMost(Duration.ofSeconds(30)).until(() -> leavingId.equals(servedBy(balancer)));

            leaving.close();
            stopped = true;

            GitClient git = new GitClient(work.resolve("git-home"));
            String throughBalancer = GitUrls.withCredentials(balancer.baseUrl(), "alice", ALICE_PASSWORD, "LB", "served");
            for (int request = 0; request < 6; request++) {
                assertThat(servedBy(balancer)).as("request " + request).isEqualTo(nodeA.instance.instanceId());
                assertThat(git.run(work, "ls-remote", throughBalancer).exitCode()).as("ls-remote " + request).isZero();
            }
        } finally {
            if (!stopped) {
                leaving.close();
            }
        }
    }

    private LoadBalancerProcess balancer(Kind kind, TestMirror... nodes) {
        return LoadBalancerProcess.start(kind, work.resolve(kind.name().toLowerCase()),
                Arrays.stream(nodes).map(node -> "127.0.0.1:" + URI.create(node.baseUrl()).getPort()).toList());
    }

    private LoadBalancerProcess balancer(Kind kind, FakeNode... nodes) {
        return LoadBalancerProcess.start(kind, work.resolve(kind.name().toLowerCase()),
                Arrays.stream(nodes).map(FakeNode::address).toList());
    }

    /** Waits until ten requests in a row through the balancer are all answered by node A. */
    private static void awaitOnlyNodeAServes(LoadBalancerProcess balancer) {
        String onlyNode = nodeA.instance.instanceId();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (int request = 0; request < 10; request++) {
                if (!onlyNode.equals(servedBy(balancer))) {
                    return false;
                }
            }
            return true;
        });
    }

    /** The id of the mirror that answered a request through the balancer, read from its public state. */
    private static String servedBy(LoadBalancerProcess balancer) {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create(balancer.baseUrl() + "/mirror/state.json"))
                .GET());
        assertThat(answer.statusCode()).as(answer.body() + "\n" + balancer.log()).isEqualTo(200);
        try {
            JsonNode state = JSON.readTree(answer.body());
            return state.path("mirrorId").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitServedByEveryNode(GitClient git, String branch, String head) {
        for (TestMirror node : List.of(nodeA, nodeB)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> git.lsRemote(work,
                    node.gitUrl("alice", ALICE_PASSWORD, "LB", "served")).contains(head + "\trefs/heads/" + branch));
        }
    }

    /** Sends a POST, headers and body in one write, and returns the status the balancer answered with. */
    private static int postInOneWrite(LoadBalancerProcess balancer, String path, String contentType, byte[] body) {
        URI base = URI.create(balancer.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(30_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nContent-Type: "
                    + contentType + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            request.writeBytes(body);
            socket.getOutputStream().write(request.toByteArray());
            socket.getOutputStream().flush();
            String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(statusLine.substring(9, 12));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
