package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A picture of every page in a realistic state. In the build it writes to
 * {@code target/screenshots}; {@code docs/screenshots.sh} runs it with {@code -Dfacet.screenshots=docs/screenshots}
 * to refresh the pictures the README shows.
 */
class PageScreenshotsTest {
    @TempDir
    Path work;

    @Test
    void everyPageInARealisticState() throws IOException {
        Path out = Path.of(System.getProperty("facet.screenshots", "target/screenshots")).toAbsolutePath();
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror synced = TestMirror.startAuthorized(work.resolve("berlin-mirror"), primary);
             TestMirror waiting = TestMirror.start(work.resolve("tokyo-mirror"), primary, java.util.Map.of());
             Browser browser = new Browser(work.resolve("browser"))) {
            primary.createProject("DOC");
            primary.createRepository("DOC", "handbook", false);
            primary.createRepository("DOC", "website", true);
            String requestId = waiting.awaitPendingRequest(primary);

            browser.open(primary.baseUrl() + "/login");
            browser.awaitText("h1", "Sign in");
            browser.screenshot(out.resolve("login.png"));
            browser.signIn("admin", TestPrimary.ADMIN_PASSWORD);

            browser.open(primary.baseUrl() + "/admin/mirrors?request=" + requestId);
            browser.awaitText("tr[data-mirror-id='" + synced.instance.instanceId() + "'] [data-field=state]",
                    "Synchronized");
            browser.screenshot(out.resolve("admin-mirrors.png"));

            browser.open(primary.baseUrl() + "/projects/DOC");
            browser.awaitText("h1", "DOC");
            browser.screenshot(out.resolve("project.png"));

            browser.open(primary.baseUrl() + "/admin/users");
            browser.awaitText("h1", "Users");
            browser.screenshot(out.resolve("users.png"));

            browser.open(primary.baseUrl() + "/admin/audit");
            browser.awaitText("#audit", "ACCEPT");
            browser.screenshot(out.resolve("audit.png"));

            browser.open(waiting.instance.baseUrl() + "/mirror");
            browser.awaitText("#upstream-state", "Waiting for authorization");
            browser.screenshot(out.resolve("mirror-pending.png"));

            browser.open(synced.instance.baseUrl() + "/mirror");
            browser.awaitText("#sync-state", "Synchronized");
            browser.screenshot(out.resolve("mirror-installed.png"));
        }
        try (var pictures = Files.list(out)) {
            assertThat(pictures.filter(p -> p.toString().endsWith(".png")).count()).isGreaterThanOrEqualTo(7);
        }
    }
}
