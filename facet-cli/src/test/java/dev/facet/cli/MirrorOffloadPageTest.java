package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * What an administrator sees of a mirror earning its keep, in a real browser: the clones, fetches and
 * bytes it served itself against what it forwarded to and fetched from the primary, and its lag over
 * the last hour; and the clone box that shows a user's preferred mirror first.
 */
class MirrorOffloadPageTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;

    @TempDir
    Path work;

    @Test
    void theConsoleShowsWhatTheMirrorServedAgainstWhatItForwardedAndItsLagOverTheLastHour() throws Exception {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.startAuthorized(work.resolve("branch-office"), primary,
                     Map.of(RawSettings.RECONCILE_SECONDS, "2"));
             Browser browser = new Browser(work.resolve("browser"))) {
            primary.createProject("WEB");
            primary.createRepository("WEB", "site", true);
            GitClient git = new GitClient(work.resolve("git-home"));
            Path tree = git.newWorkTree(work.resolve("tree"), "README.md");
            git.run(tree, "push", "-q", primary.gitUrl("admin", ADMIN, "WEB", "site"), "--all").requireSuccess();
            mirror.awaitState("SYNCHRONIZED");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> git.run(work,
                    "ls-remote", mirror.anonymousGitUrl("WEB", "site")).stdout().contains("refs/heads/"));

            Path clone = work.resolve("clone");
            git.run(work, "clone", "-q", mirror.anonymousGitUrl("WEB", "site"), clone.toString()).requireSuccess();
            Files.writeString(clone.resolve("NEWS.md"), "pushed through the mirror\n");
            git.run(clone, "add", "NEWS.md").requireSuccess();
            git.run(clone, "commit", "-q", "-m", "News").requireSuccess();
            git.run(clone, "push", "-q", mirror.gitUrl("admin", ADMIN, "WEB", "site"), "HEAD:main").requireSuccess();
            git.run(tree, "pull", "-q", mirror.anonymousGitUrl("WEB", "site"), "main").requireSuccess();

            browser.open(primary.baseUrl() + "/admin/mirrors");
            browser.signIn("admin", ADMIN);
            browser.awaitText("h1", "Mirrors");
            String row = "tr[data-mirror-id='" + mirror.instance.instanceId() + "'] ";
            browser.awaitText(row + "[data-field=served]", "1 clones, 1 fetches");
            browser.awaitText(row + "[data-field=forwarded]", "1 pushes");
            assertThat(browser.text(row + "[data-field=forwarded]")).doesNotContain(" 0 B");
            browser.awaitText(row + "[data-field=servedShare]", "%");
            assertThat(browser.text(row + "[data-field=fetched]")).isNotEqualTo("0 B").isNotEmpty();

            WebElement line = browser.find(row + "[data-field=lagLine]");
            assertThat(line.getAttribute("points")).as("a point for this minute's reports").isNotBlank();
            assertThat(browser.text(row + "[data-field=lagSummary]")).startsWith("peak ");
            List<WebElement> charts = browser.driver.findElements(By.cssSelector(row + "svg.lag-chart"));
            assertThat(charts).hasSize(1);
            assertThat(charts.get(0).getSize().getWidth()).isPositive();
        }
    }

    @Test
    void theCloneBoxShowsTheUsersPreferredMirrorFirst() throws Exception {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror near = TestMirror.startAuthorized(work.resolve("near"), primary);
             TestMirror far = TestMirror.startAuthorized(work.resolve("far"), primary);
             Browser browser = new Browser(work.resolve("browser"))) {
            primary.createProject("WEB");
            primary.createRepository("WEB", "site", true);
            primary.createUser("alice", "alice-secret-1");
            primary.grantProject("WEB", "alice", "PROJECT_READ");
            RestClient alice = primary.anonymous.as("alice", "alice-secret-1");
            String preferred = "/rest/mirroring/latest/account/settings/preferred-mirror";

            browser.open(primary.baseUrl() + "/login?next=/projects/WEB");
            browser.signIn("alice", "alice-secret-1");
            browser.awaitText("tr[data-repository=site]", "primary");
            assertThat(browser.find("tr[data-repository=site] .clone-url").getAttribute("data-where"))
                    .as("without a choice, the primary comes first").isEqualTo("primary");
            assertThat(browser.driver.findElements(By.cssSelector(".clone-url.preferred"))).isEmpty();

            TestPrimary.expect(204, alice.post(preferred, "\"" + far.instance.instanceId() + "\""));
            browser.open(primary.baseUrl() + "/projects/WEB");
            browser.awaitText("tr[data-repository=site]", "your preferred mirror");
            WebElement first = browser.find("tr[data-repository=site] .clone-url");
            assertThat(first.getAttribute("data-where")).isEqualTo("mirror far");
            assertThat(first.getAttribute("data-preferred")).isEqualTo("true");
            assertThat(first.getText()).contains(far.baseUrl() + "/scm/web/site.git");
            assertThat(browser.driver.findElements(By.cssSelector("tr[data-repository=site] .clone-url.preferred")))
                    .hasSize(1);
            assertThat(browser.text("tr[data-repository=site]")).contains(near.baseUrl() + "/scm/web/site.git");

            TestPrimary.expect(204, alice.delete(preferred));
            browser.open(primary.baseUrl() + "/projects/WEB");
            browser.awaitText("tr[data-repository=site]", "primary");
            assertThat(browser.find("tr[data-repository=site] .clone-url").getAttribute("data-where"))
                    .isEqualTo("primary");
        }
    }
}
