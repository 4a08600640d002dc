package dev.facet.cli;

import static dev.facet.cli.WebhookDurabilityTest.byRequestId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Webhook deliveries across a real {@code facet primary} process killed with SIGKILL while a receiver holds a
 * delivery: no shutdown hook runs, nothing is flushed, and what the database committed is all there is.
 */
class WebhookProcessIT {
    private static final Map<String, String> SETTINGS = Map.of(
            "FACET_WEBHOOKS_ALLOW_LOCAL", "true",
            // Longer than the receiver is made to hang, so the delivery is still in flight when the kill comes.
            "FACET_WEBHOOKS_TIMEOUT_SECONDS", "120",
            "FACET_WEBHOOKS_RETRY_MAX_SECONDS", "1");

    @TempDir
    Path work;

    @Test
    void aPrimaryKilledMidDeliveryDeliversEverythingAfterRestartInOrderUnderStableRequestIds() throws Exception {
        String repo = "/rest/api/1.0/projects/KILL/repos/hooked";
        List<String> pushed = new ArrayList<>();
        try (WebhookReceiver receiver = WebhookReceiver.start();
             PrimaryProcess primary = PrimaryProcess.start(work.resolve("home"), SETTINGS)) {
            RestClient admin = primary.admin();
            TestPrimary.expect(201, admin.post("/rest/api/1.0/projects",
                    RestClient.json("key", "KILL", "name", "Kill")));
            TestPrimary.expect(201, admin.post("/rest/api/1.0/projects/KILL/repos",
                    RestClient.json("name", "hooked", "public", false)));
            WebhookTest.createHook(admin, repo + "/webhooks", WebhookTest.hookBody(receiver.url(), "k9",
                    "repo:refs_changed"));
            GitClient git = new GitClient(work.resolve("git-home"));
            Path tree = git.newWorkTree(work.resolve("tree"), "README.md");

            receiver.hang();
            for (int i = 0; i < 3; i++) {
                pushed.add(WebhookTest.pushCommit(git, tree, primary.gitUrl("KILL", "hooked"), "k" + i + ".txt"));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received().size() == 1);
            // The receiver holds the first delivery unanswered; the other two wait behind it.
            primary.kill();
            receiver.answer();
            assertThat(receiver.received()).hasSize(1);

            primary.startAgain();
            // Every push was acknowledged before the kill, so the primary still has each one, and the hook.
            assertThat(admin.get(repo + "/branches").json().at("/values/0/latestCommit").asText())
                    .isEqualTo(pushed.get(2));
            assertThat(admin.get(repo + "/webhooks").json().path("values")).hasSize(1);
            await().atMost(Duration.ofSeconds(60)).until(() -> byRequestId(receiver).size() == 3);
            Map<String, String> deliveries = byRequestId(receiver);
            assertThat(new ArrayList<>(deliveries.values())).as("every push announced once, in push order")
                    .containsExactlyElementsOf(pushed);
            String cutShort = receiver.received().get(0).requestId();
            assertThat(receiver.received()).as("the delivery cut short came again, under its first id")
                    .filteredOn(r -> r.requestId().equals(cutShort)).hasSize(2);
            assertThat(receiver.received()).hasSize(4);
            for (WebhookReceiver.Received delivery : receiver.received()) {
                assertThat(delivery.signature()).isEqualTo(WebhookTest.hmac("k9", delivery.body()));
            }
            // A push after the restart is announced too, and nothing owed before it is sent once more.
            pushed.add(WebhookTest.pushCommit(git, tree, primary.gitUrl("KILL", "hooked"), "after.txt"));
            await().atMost(Duration.ofSeconds(30)).until(() -> byRequestId(receiver).size() == 4);
            assertThat(new ArrayList<>(byRequestId(receiver).values())).containsExactlyElementsOf(pushed);
            assertThat(receiver.received()).hasSize(5);
        }
    }
}
