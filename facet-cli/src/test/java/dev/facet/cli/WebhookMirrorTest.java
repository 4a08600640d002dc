package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mirror:repo_synchronized, as CI waits for it before it clones from a mirror. */
class WebhookMirrorTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;

    @TempDir
    Path home;

    @Test
    void mirrorSynchronizedArrivesOnlyOnceTheMirrorServesThePush() {
        try (TestPrimary primary = TestPrimary.start(home.resolve("primary"), null, WebhookTest.LOCAL_HOOKS);
             WebhookReceiver receiver = WebhookReceiver.start()) {
            primary.createProject("CI");
            primary.createRepository("CI", "app", false);
            GitClient git = new GitClient(home.resolve("git-home"));
            Path tree = git.newWorkTree(home.resolve("tree"), "README.md");
            WebhookTest.pushCommit(git, tree, primary.gitUrl("admin", ADMIN, "CI", "app"), "first.txt");
            try (TestMirror mirror = TestMirror.startAuthorized(home.resolve("mirror"), primary)) {
                String mirrorUrl = mirror.gitUrl("admin", ADMIN, "CI", "app");
                await().atMost(Duration.ofSeconds(30)).until(() -> !git.lsRemote(tree, mirrorUrl).isEmpty());
                // What the mirror serves at the moment each notice arrives, as a CI server would see it then.
                Map<String, List<String>> servedOnArrival = new ConcurrentHashMap<>();
                receiver.onReceive(received -> {
                    if ("mirror:repo_synchronized".equals(received.eventKey())) {
                        servedOnArrival.put(received.requestId(), git.lsRemote(tree, mirrorUrl));
                    }
                });
                WebhookTest.createHook(primary.admin, "/rest/api/1.0/projects/CI/repos/app/webhooks",
                        WebhookTest.hookBody(receiver.url(), "k", "repo:refs_changed", "mirror:repo_synchronized"));

                String pushed = WebhookTest.pushCommit(git, tree, primary.gitUrl("admin", ADMIN, "CI", "app"),
                        "second.txt");

                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received("mirror:repo_synchronized")
                        .stream().anyMatch(r -> announces(r, pushed)));
                List<WebhookReceiver.Received> all = receiver.received();
                int refsChanged = indexOf(all, "repo:refs_changed", pushed);
                int synced = indexOf(all, "mirror:repo_synchronized", pushed);
                assertThat(refsChanged).isNotNegative().isLessThan(synced);
                WebhookReceiver.Received notice = all.get(synced);
                JsonNode body = notice.json();
                assertThat(body.path("mirrorServer").path("id").asText()).isEqualTo(mirror.instance.instanceId());
                assertThat(body.path("repository").path("slug").asText()).isEqualTo("app");
                assertThat(body.path("changes").path(0).path("refId").asText()).isEqualTo("refs/heads/master");
                // The receiver lists a notice before its handler has finished reading the mirror.
                await().atMost(Duration.ofSeconds(30)).until(() -> servedOnArrival.containsKey(notice.requestId()));
                assertThat(servedOnArrival.get(notice.requestId())).contains(pushed + "\trefs/heads/master");
            }
        }
    }

    private static boolean announces(WebhookReceiver.Received received, String commit) {
        return received.json().path("changes").path(0).path("toHash").asText().equals(commit);
    }

    private static int indexOf(List<WebhookReceiver.Received> all, String eventKey, String commit) {
        for (int i = 0; i < all.size(); i++) {
            if (eventKey.equals(all.get(i).eventKey()) && announces(all.get(i), commit)) {
                return i;
            }
        }
        return -1;
    }
}
