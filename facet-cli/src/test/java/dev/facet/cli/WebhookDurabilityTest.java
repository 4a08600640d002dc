package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.facet.primary.StagingPreparation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Webhook deliveries across a primary stopped mid-delivery, and the addresses hooks may not point at. */
class WebhookDurabilityTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;

    @TempDir
    Path home;

    @Test
    void aPrimaryStoppedMidDeliveryDeliversAfterRestartUnderTheSameRequestIds() {
        Path primaryHome = home.resolve("primary");
        TestPrimary primary = TestPrimary.start(primaryHome, null, WebhookTest.LOCAL_HOOKS);
        List<String> pushed = new ArrayList<>();
        try (WebhookReceiver receiver = WebhookReceiver.start()) {
            String repo = "/rest/api/1.0/projects/DUR/repos/durable";
            GitClient git = new GitClient(home.resolve("git-home"));
            Path tree = git.newWorkTree(home.resolve("tree"), "README.md");
            try {
                primary.createProject("DUR");
                primary.createRepository("DUR", "durable", false);
                WebhookTest.createHook(primary.admin, repo + "/webhooks",
                        WebhookTest.hookBody(receiver.url(), "k", "repo:refs_changed"));
                receiver.hang();
                for (int i = 0; i < 3; i++) {
                    pushed.add(WebhookTest.pushCommit(git, tree, primary.gitUrl("admin", ADMIN, "DUR", "durable"),
                            "f" + i + ".txt"));
                }
                // The receiver has the first delivery and has not answered it when the primary stops.
                await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 1);
            } finally {
                primary.close();
            }
            receiver.answer();

            TestPrimary restarted = TestPrimary.start(primaryHome, null, WebhookTest.LOCAL_HOOKS);
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> byRequestId(receiver).size() == 3);
                Map<String, String> deliveries = byRequestId(receiver);
                assertThat(new ArrayList<>(deliveries.values())).containsExactlyElementsOf(pushed);
                // The delivery cut short came again, under the id it had the first time.
                String firstId = receiver.received().get(0).requestId();
                assertThat(receiver.received().stream().filter(r -> r.requestId().equals(firstId)).count())
                        .isEqualTo(2);
                await().atMost(Duration.ofSeconds(5)).until(() -> restarted.admin.get(repo + "/webhooks").json()
                        .path("values").size() == 1);
            } finally {
                restarted.close();
            }
        }
    }

    /**
     * Each request id and the commit its delivery announced, in the order they first arrived; fails if one id ever
     * announced two commits or one commit came under two ids.
     */
    static Map<String, String> byRequestId(WebhookReceiver receiver) {
        Map<String, String> deliveries = new LinkedHashMap<>();
        for (WebhookReceiver.Received received : receiver.received()) {
            String commit = received.json().path("changes").path(0).path("toHash").asText();
            String before = deliveries.putIfAbsent(received.requestId(), commit);
            assertThat(before == null || before.equals(commit)).as("one request id, one event").isTrue();
        }
        assertThat(deliveries.values()).as("one event, one request id").doesNotHaveDuplicates();
        return deliveries;
    }

    @Test
    void hookUrlsAtLoopbackOrLinkLocalAddressesAreRefusedUnlessAllowed() {
        try (TestPrimary primary = TestPrimary.start(home.resolve("strict"))) {
            primary.createProject("LOC");
            primary.createRepository("LOC", "repo", false);
            String hooks = "/rest/api/1.0/projects/LOC/repos/repo/webhooks";
            for (String url : List.of("http://127.0.0.1:8080/", "http://localhost/hook", "http://[::1]/",
                    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://0.0.0.0:9000/",
                    "http://2130706433/", "http://127.1/", "https://LOCALHOST./x")) {
                RestClient.Response refused = primary.admin.post(hooks, WebhookTest.hookBody(url, null,
                        "repo:refs_changed"));
                assertThat(refused.status()).as(url).isEqualTo(400);
                // 127.1 is no host to Java's URI, LOCALHOST. resolves nowhere here: refused either way, never delivered.
                assertThat(refused.firstError()).as(url).containsAnyOf("facet.webhooks.allow-local", "names no host",
                        "cannot be resolved");
                assertThat(primary.admin.post(hooks + "/test?url=" + url, "").status()).as(url).isEqualTo(400);
                assertThat(primary.admin.post("/rest/api/1.0/projects/LOC/webhooks", WebhookTest.hookBody(url, null,
                        "repo:refs_changed")).status()).as(url).isEqualTo(400);
            }
            long hook = WebhookTest.createHook(primary.admin, hooks, WebhookTest.hookBody("https://192.0.2.10/h",
                    null, "repo:refs_changed"));
            assertThat(primary.admin.put(hooks + "/" + hook, WebhookTest.hookBody("http://127.0.0.1/", null,
                    "repo:refs_changed")).status()).isEqualTo(400);
            JsonNode kept = primary.admin.get(hooks + "/" + hook).json();
            assertThat(kept.path("url").asText()).isEqualTo("https://192.0.2.10/h");
        }
    }

    @Test
    void aHookIsNeverPointedAtAMirror() {
        try (TestPrimary primary = TestPrimary.start(home.resolve("primary"), null, WebhookTest.LOCAL_HOOKS);
             TestMirror mirror = TestMirror.startAuthorized(home.resolve("mirror"), primary)) {
            primary.createProject("MIRH");
            primary.createRepository("MIRH", "repo", false);
            RestClient.Response refused = primary.admin.post("/rest/api/1.0/projects/MIRH/repos/repo/webhooks",
                    WebhookTest.hookBody(mirror.baseUrl() + "/rest/mirroring/latest/upstreamServer/reconnect", null,
                            "repo:refs_changed"));
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.firstError()).contains("mirror");
        }
    }

    @Test
    void aStagingCopyHasItsWebhooksSwitchedOff() throws Exception {
        Path production = home.resolve("production");
        String hooks = "/rest/api/1.0/projects/STG/repos/repo/webhooks";
        long hook;
        try (TestPrimary primary = TestPrimary.start(production, null, WebhookTest.LOCAL_HOOKS)) {
            primary.createProject("STG");
            primary.createRepository("STG", "repo", false);
            hook = WebhookTest.createHook(primary.admin, hooks, WebhookTest.hookBody("http://127.0.0.1:9/ci", "k",
                    "repo:refs_changed"));
        }
        Path staging = home.resolve("staging");
        TestFiles.copyTree(production, staging);
        // Not yet prepared, the copy would deliver what production owed: it says so, though it lists no mirror.
        try (TestPrimary unprepared = TestPrimary.start(staging)) {
            assertThat(StagingPreparation.copyWarning(unprepared.instance.store(), "http://staging.example.com"))
                    .hasValueSatisfying(warning -> assertThat(warning).contains("1 enabled webhook(s)")
                            .contains("staging-prepare").doesNotContain("mirror(s)"));
        }
        FacetRun prepare = FacetRun.of("staging-prepare", "--home", staging.toString(),
                "--base-url", "http://staging.example.com:7990");
        assertThat(prepare.exit()).isZero();
        assertThat(prepare.out()).contains("webhooks switched off: 1");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        // The prepared facet.properties names the staging host; here it answers on loopback.
        try (TestPrimary prepared = TestPrimary.start(staging, null, Map.of("FACET_PORT", Integer.toString(port),
                "FACET_BASE_URL", "http://localhost:" + port))) {
            assertThat(prepared.admin.get(hooks + "/" + hook).json().path("active").asBoolean()).isFalse();
            assertThat(StagingPreparation.copyWarning(prepared.instance.store(), "http://elsewhere.example.com"))
                    .isEmpty();
        }
    }
}
