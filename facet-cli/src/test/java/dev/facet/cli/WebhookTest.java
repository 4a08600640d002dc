package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhooks on a real primary, delivered to a real HTTP receiver on loopback, after real git pushes. */
class WebhookTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;
    /** Local hooks allowed (the receiver is on loopback), and retries at most a second apart so outages end fast. */
    static final Map<String, String> LOCAL_HOOKS = Map.of("FACET_WEBHOOKS_ALLOW_LOCAL", "true",
            "FACET_WEBHOOKS_RETRY_MAX_SECONDS", "1");

    @TempDir
    static Path home;
    @TempDir
    Path work;
    static TestPrimary primary;

    @BeforeAll
    static void startPrimary() {
        primary = TestPrimary.start(home.resolve("primary"), null, LOCAL_HOOKS);
        primary.createProject("HOOK");
        primary.createUser("alice", "alice-pass-1");
        primary.createUser("mallory", "mallory-pass-1");
    }

    @AfterAll
    static void stopPrimary() {
        primary.close();
    }

    static String hookBody(String url, String secret, String... events) {
        StringBuilder list = new StringBuilder();
        for (String event : events) {
            list.append(list.length() == 0 ? "" : ",").append('"').append(event).append('"');
        }
        return "{\"name\":\"ci\",\"url\":\"" + url + "\",\"active\":true,\"events\":[" + list + "]"
                + (secret == null ? "" : ",\"configuration\":{\"secret\":\"" + secret + "\"}") + "}";
    }

    static long createHook(RestClient client, String path, String body) {
        return TestPrimary.expect(201, client.post(path, body)).json().path("id").asLong();
    }

    /** Pushes one new commit to master and returns its id. */
    static String pushCommit(GitClient git, Path tree, String url, String file) {
        git.commitFile(tree, file, file + " content\n");
        git.run(tree, "push", "-q", url, "HEAD:refs/heads/master").requireSuccess();
        return git.run(tree, "rev-parse", "HEAD").requireSuccess().stdout().strip();
    }

    static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    private String repository(String name) {
        primary.createRepository("HOOK", name, false);
        return "/rest/api/1.0/projects/HOOK/repos/" + name;
    }

    @Test
    void aPushDeliversRefsChangedSignedWithTheHooksSecret() throws Exception {
        String repo = repository("signed");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            long hook = createHook(primary.admin, repo + "/webhooks",
                    hookBody(receiver.url(), "s3cret-key", "repo:refs_changed"));
            GitClient git = new GitClient(work.resolve("git-home"));
            Path tree = git.newWorkTree(work.resolve("tree"), "README.md");
            String pushed = pushCommit(git, tree, primary.gitUrl("admin", ADMIN, "HOOK", "signed"), "a.txt");

            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 1);
            WebhookReceiver.Received delivery = receiver.received().get(0);
            assertThat(delivery.eventKey()).isEqualTo("repo:refs_changed");
            assertThat(delivery.requestId()).isNotBlank();
            assertThat(delivery.signature()).isEqualTo(hmac("s3cret-key", delivery.body()));
            assertThat(delivery.signature()).isNotEqualTo(hmac("another-key", delivery.body()));
            JsonNode body = delivery.json();
            assertThat(body.path("eventKey").asText()).isEqualTo("repo:refs_changed");
            assertThat(body.path("repository").path("slug").asText()).isEqualTo("signed");
            assertThat(body.path("repository").path("project").path("key").asText()).isEqualTo("HOOK");
            assertThat(body.path("changes").path(0).path("refId").asText()).isEqualTo("refs/heads/master");
            assertThat(body.path("changes").path(0).path("toHash").asText()).isEqualTo(pushed);
            assertThat(body.path("changes").path(0).path("type").asText()).isEqualTo("ADD");

            await().atMost(Duration.ofSeconds(5)).until(() ->
                    primary.admin.get(repo + "/webhooks/" + hook + "/latest").status() == 200);
            JsonNode latest = primary.admin.get(repo + "/webhooks/" + hook + "/latest").json();
            assertThat(latest.path("event").asText()).isEqualTo("repo:refs_changed");
            assertThat(latest.path("result").path("outcome").asText()).isEqualTo("SUCCESS");
            assertThat(latest.path("requestId").asText()).isEqualTo(delivery.requestId());
            JsonNode shown = primary.admin.get(repo + "/webhooks/" + hook).json();
            assertThat(shown.path("url").asText()).isEqualTo(receiver.url());
            assertThat(shown.toString()).doesNotContain("s3cret-key");
        }
    }

    @Test
    void refsChangedNamesWhoPushedOrMadeTheBranch() {
        String repo = repository("actors");
        primary.createUser("dora", "dora-pass-1");
        primary.grantProject("HOOK", "dora", "PROJECT_WRITE");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            createHook(primary.admin, repo + "/webhooks", hookBody(receiver.url(), null, "repo:refs_changed"));
            GitClient git = new GitClient(work.resolve("git-home"));
            Path tree = git.newWorkTree(work.resolve("tree"), "README.md");
            String pushed = pushCommit(git, tree, primary.gitUrl("dora", "dora-pass-1", "HOOK", "actors"), "d.txt");
            TestPrimary.expect(200, primary.admin.post("/rest/branch-utils/latest/projects/HOOK/repos/actors/branches",
                    RestClient.json("name", "release", "startPoint", pushed)));

            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 2);
            JsonNode push = receiver.received().get(0).json();
            assertThat(push.path("changes").path(0).path("refId").asText()).isEqualTo("refs/heads/master");
            JsonNode pusher = push.path("actor");
            assertThat(pusher.path("name").asText()).isEqualTo("dora");
            assertThat(pusher.path("slug").asText()).isEqualTo("dora");
            assertThat(pusher.path("emailAddress").asText()).isEqualTo("dora@example.com");
            assertThat(pusher.path("displayName").asText()).isEqualTo("dora");
            assertThat(pusher.path("id").asLong()).isPositive();
            assertThat(pusher.path("active").asBoolean()).isTrue();
            assertThat(pusher.path("type").asText()).isEqualTo("NORMAL");
            JsonNode branch = receiver.received().get(1).json();
            assertThat(branch.path("changes").path(0).path("refId").asText()).isEqualTo("refs/heads/release");
            assertThat(branch.path("actor").path("name").asText()).isEqualTo("admin");
            assertThat(branch.path("actor").path("id").asLong()).isNotEqualTo(pusher.path("id").asLong());
        }
    }

    @Test
    void aReceiverDownForThirtySecondsGetsEveryDeliveryInOrderAfterwards() {
        String repo = repository("outage");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            long hook = createHook(primary.admin, repo + "/webhooks", hookBody(receiver.url(), null, "repo:refs_changed"));
            GitClient git = new GitClient(work.resolve("git-home"));
            Path tree = git.newWorkTree(work.resolve("tree"), "README.md");
            receiver.down();
            Instant downSince = Instant.now();
            List<String> pushed = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                pushed.add(pushCommit(git, tree, primary.gitUrl("admin", ADMIN, "HOOK", "outage"), "f" + i + ".txt"));
            }
            // A real 30 s outage, over which the primary tries and fails again and again. (The shipped schedule,
            // slower than this test's, is shown to cover 30 s in WebhookBackoffTest.)
            await().atMost(Duration.ofSeconds(45)).until(() -> Duration.between(downSince, Instant.now())
                    .compareTo(Duration.ofSeconds(30)) >= 0 && primary.admin.get(repo + "/webhooks/" + hook
                    + "/deliveries").json().path("values").size() >= 10);
            assertThat(primary.admin.get(repo + "/webhooks/" + hook + "/latest").json().path("result").path("outcome")
                    .asText()).isEqualTo("ERROR");
            receiver.up();

            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() >= 5);
            List<String> delivered = receiver.received().stream()
                    .map(r -> r.json().path("changes").path(0).path("toHash").asText()).toList();
            assertThat(new ArrayList<>(new LinkedHashSet<>(delivered))).containsExactlyElementsOf(pushed);
            assertThat(receiver.received().stream().map(WebhookReceiver.Received::requestId).distinct().count())
                    .isEqualTo(5);
        }
    }

    @Test
    void aHangingReceiverDoesNotSlowPushes() {
        String repo = repository("hanging");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            receiver.hang();
            createHook(primary.admin, repo + "/webhooks", hookBody(receiver.url(), null, "repo:refs_changed"));
            GitClient git = new GitClient(work.resolve("git-home"));
            Path tree = git.newWorkTree(work.resolve("tree"), "README.md");
            pushCommit(git, tree, primary.gitUrl("admin", ADMIN, "HOOK", "hanging"), "first.txt");
            await().atMost(Duration.ofSeconds(10)).until(() -> receiver.received().size() == 1);
            long started = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                pushCommit(git, tree, primary.gitUrl("admin", ADMIN, "HOOK", "hanging"), "more" + i + ".txt");
            }
            // The receiver holds its first request for the whole 10 s request timeout; the pushes do not wait for it.
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
            assertThat(receiver.received()).hasSize(1);
            receiver.answer();
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().stream()
                    .map(WebhookReceiver.Received::requestId).distinct().count() == 4);
        }
    }

    @Test
    void onlyAdministratorsOfTheRepositoryOrProjectManageItsHooks() {
        String repo = repository("guarded");
        String other = repository("other");
        primary.createUser("writer", "writer-pass-1");
        TestPrimary.expect(204, primary.admin.put(repo + "/permissions/users?name=writer&permission=REPO_WRITE", null));
        TestPrimary.expect(204, primary.admin.put(other + "/permissions/users?name=alice&permission=REPO_ADMIN", null));
        long hook = createHook(primary.admin, repo + "/webhooks", hookBody("https://ci.example.com/hook", "k",
                "repo:refs_changed"));
        String body = hookBody("https://ci.example.com/evil", null, "repo:refs_changed");

        RestClient writer = primary.anonymous.as("writer", "writer-pass-1");
        assertThat(writer.get(repo + "/webhooks").status()).isEqualTo(403);
        assertThat(writer.post(repo + "/webhooks", body).status()).isEqualTo(403);
        assertThat(writer.get(repo + "/webhooks/" + hook).status()).isEqualTo(403);
        assertThat(writer.delete(repo + "/webhooks/" + hook).status()).isEqualTo(403);
        assertThat(primary.anonymous.as("mallory", "mallory-pass-1").get(repo + "/webhooks/" + hook).status())
                .isEqualTo(404);
        assertThat(primary.anonymous.get(repo + "/webhooks").status()).isEqualTo(401);
        assertThat(primary.anonymous.post(repo + "/webhooks/test?url=https://ci.example.com/", "").status())
                .isEqualTo(401);

        // An admin of another repository reaches neither this hook through their own repository nor the project's.
        RestClient alice = primary.anonymous.as("alice", "alice-pass-1");
        assertThat(alice.get(other + "/webhooks/" + hook).status()).isEqualTo(404);
        assertThat(alice.put(other + "/webhooks/" + hook, body).status()).isEqualTo(404);
        assertThat(alice.delete(other + "/webhooks/" + hook).status()).isEqualTo(404);
        assertThat(alice.post("/rest/api/1.0/projects/HOOK/webhooks", body).status()).isIn(403, 404);
        assertThat(alice.get("/rest/api/latest/projects/HOOK/webhooks").status()).isIn(403, 404);
        TestPrimary.expect(201, alice.post(other + "/webhooks", body));

        JsonNode shown = primary.admin.get(repo + "/webhooks/" + hook).json();
        assertThat(shown.path("url").asText()).isEqualTo("https://ci.example.com/hook");
        assertThat(primary.admin.get(repo + "/webhooks").json().path("values")).hasSize(1);
    }

    @Test
    void aProjectHookHearsEveryRepositoryOfItsProject() {
        primary.createProject("PRJH");
        primary.createRepository("PRJH", "one", false);
        primary.createRepository("PRJH", "two", false);
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            createHook(primary.admin, "/rest/api/latest/projects/PRJH/webhooks",
                    hookBody(receiver.url(), null, "repo:refs_changed", "repo:modified"));
            GitClient git = new GitClient(work.resolve("git-home"));
            Path tree = git.newWorkTree(work.resolve("tree"), "README.md");
            pushCommit(git, tree, primary.gitUrl("admin", ADMIN, "PRJH", "one"), "x.txt");
            pushCommit(git, tree, primary.gitUrl("admin", ADMIN, "PRJH", "two"), "y.txt");
            TestPrimary.expect(201, primary.admin.put("/rest/api/1.0/projects/PRJH/repos/two",
                    RestClient.json("name", "two-renamed")));
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 3);
            assertThat(receiver.received().stream().map(WebhookReceiver.Received::eventKey))
                    .containsExactly("repo:refs_changed", "repo:refs_changed", "repo:modified");
            JsonNode modified = receiver.received().get(2).json();
            assertThat(modified.path("old").path("name").asText()).isEqualTo("two");
            assertThat(modified.path("new").path("name").asText()).isEqualTo("two-renamed");
        }
    }

    @Test
    void badHookDefinitionsAreRefusedWithClearErrors() {
        String repo = repository("badinput");
        assertThat(primary.admin.post(repo + "/webhooks", hookBody("ftp://ci.example.com/", null, "repo:refs_changed"))
                .status()).isEqualTo(400);
        assertThat(primary.admin.post(repo + "/webhooks", hookBody("https://ci.example.com/", null)).firstError())
                .contains("at least one event");
        assertThat(primary.admin.post(repo + "/webhooks", hookBody("https://ci.example.com/", null, "not an event"))
                .status()).isEqualTo(400);
        assertThat(primary.admin.post(repo + "/webhooks", "{\"url\":").status()).isEqualTo(400);
        assertThat(primary.admin.post(repo + "/webhooks", hookBody("https://user:pw@ci.example.com/", null,
                "repo:refs_changed")).status()).isEqualTo(400);
        assertThat(primary.admin.get(repo + "/webhooks/abc").status()).isEqualTo(404);
        assertThat(primary.admin.get(repo + "/webhooks/999999").status()).isEqualTo(404);
        assertThat(primary.admin.get(repo + "/webhooks/999999/latest").status()).isEqualTo(404);
        assertThat(primary.admin.post(repo + "/webhooks/test", "").status()).isEqualTo(400);
    }

    @Test
    void theTestEndpointPingsTheUrl() {
        String repo = repository("pinged");
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            JsonNode answer = TestPrimary.expect(200, primary.admin.post(repo + "/webhooks/test?url=" + receiver.url(),
                    "")).json();
            assertThat(answer.path("response").path("statusCode").asInt()).isEqualTo(200);
            assertThat(receiver.received()).singleElement()
                    .satisfies(ping -> assertThat(ping.eventKey()).isEqualTo("diagnostics:ping"));
        }
    }
}
