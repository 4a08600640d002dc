package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/** Projects with their clone URLs, user administration and the audit trail, used in a real browser. */
class AdminPagesTest {
    @TempDir
    Path work;

    @Test
    void projectsShowEveryCloneUrlAndAnAdminManagesUsersPermissionsAndTokensInForms() throws Exception {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.startAuthorized(work.resolve("near-mirror"), primary);
             Browser browser = new Browser(work.resolve("browser"))) {
            primary.createProject("DOC");
            primary.createRepository("DOC", "guide", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            Path source = git.newWorkTree(work.resolve("source"), "a.txt");
            git.run(source, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "DOC", "guide"), "main")
                    .requireSuccess();

            browser.open(primary.baseUrl() + "/projects");
            browser.awaitText("#no-projects", "No project to show to anonymous visitors");
            browser.find("#no-projects a").click();
            browser.signIn("admin", TestPrimary.ADMIN_PASSWORD);
            browser.awaitText("#projects", "DOC");
            browser.find("tr[data-project=DOC] a").click();
            browser.awaitText("h1", "DOC");
            List<String> urls = browser.driver.findElements(By.cssSelector("tr[data-repository=guide] button.copy"))
                    .stream().map(button -> button.getAttribute("data-url")).toList();
            assertThat(urls).containsExactly(primary.baseUrl() + "/scm/doc/guide.git",
                    primary.instance.sshBaseUrl().orElseThrow() + "/doc/guide.git",
                    mirror.instance.baseUrl() + "/scm/doc/guide.git",
                    mirror.instance.sshBaseUrl().orElseThrow() + "/doc/guide.git");
            assertThat(browser.text("tr[data-repository=guide]")).contains("mirror near-mirror")
                    .contains("mirror near-mirror over SSH");

            browser.open(primary.baseUrl() + "/admin/users");
            browser.find("#user\\.name").sendKeys("carol");
            browser.find("#create-user button").click();
            browser.awaitText("#error-user\\.password", "A password is required.");
            assertThat(browser.find("#user\\.name").getAttribute("value")).isEqualTo("carol");
            browser.find("#user\\.password").sendKeys("carol-secret-1");
            browser.find("#create-user button").click();
            browser.awaitText("#done", "User carol created.");

            browser.find("#grant\\.user").sendKeys("carol");
            browser.find("#grant\\.project").sendKeys("NOPE");
            browser.find("#grant button").click();
            browser.awaitText("#error-grant\\.project", "NOPE");
            assertThat(browser.driver.findElements(By.id("error-grant.user"))).isEmpty();
            browser.find("#grant\\.project").clear();
            browser.find("#grant\\.project").sendKeys("doc");
            browser.find("#grant button").click();
            browser.awaitText("#done", "carol has PROJECT_READ on DOC.");
            assertThat(git.lsRemote(work, primary.gitUrl("carol", "carol-secret-1", "DOC", "guide")))
                    .anyMatch(line -> line.endsWith("refs/heads/main"));

            assertThat(browser.find("#token\\.user").getAttribute("value")).isEqualTo("admin");
            browser.find("#token\\.user").clear();
            browser.find("#token\\.user").sendKeys("carol");
            browser.find("#token\\.name").sendKeys("ci");
            browser.find("#token button").click();
            browser.awaitText("#error-token\\.permissions", "Choose at least one permission");
            browser.find("input[name='token.permissions'][value=REPO_READ]").click();
            browser.find("#token button").click();
            browser.awaitText("#error-token\\.user", "Access tokens are created by their owner only");
            assertThat(browser.driver.findElements(By.id("created-token"))).isEmpty();
            browser.find("#token\\.user").clear();
            browser.find("#token\\.user").sendKeys("admin");
            browser.find("input[name='token.permissions'][value=REPO_READ]").click();
            browser.find("#token button").click();
            browser.awaitText("#done", "Token ci created for admin");
            String token = browser.text("#created-token");
            assertThat(git.lsRemote(work, primary.gitUrl("admin", token, "DOC", "guide")))
                    .anyMatch(line -> line.endsWith("refs/heads/main"));

            browser.find("tr[data-user=admin] a.button").click();
            browser.awaitText("#tokens", "ci");
            assertThat(browser.text("#tokens")).contains("REPO_READ").doesNotContain(token);
            browser.find("#tokens button.danger").click();
            browser.awaitText("#done", "Token");
            assertThat(browser.text("#done")).contains("revoked");
            assertThat(browser.driver.findElements(By.id("tokens"))).isEmpty();
            assertThat(git.run(work, "ls-remote", primary.gitUrl("admin", token, "DOC", "guide")).exitCode())
                    .as("a revoked token").isNotZero();

            browser.find("tr[data-user=carol] form[action='/admin/users/disable'] button").click();
            browser.awaitText("#done", "User carol disabled");
            assertThat(browser.text("tr[data-user=carol] [data-field=state]")).isEqualTo("disabled");
            assertThat(git.run(work, "ls-remote", primary.gitUrl("carol", "carol-secret-1", "DOC", "guide")).exitCode())
                    .as("a disabled user's password").isNotZero();
            browser.find("tr[data-user=carol] form[action='/admin/users/enable'] button").click();
            browser.awaitText("#done", "User carol enabled again");

            browser.open(primary.baseUrl() + "/admin/mirrors");
            String carries = "tr[data-mirror-id='" + mirror.instance.instanceId() + "'] input[name=projects]";
            browser.find(carries).sendKeys("NOPE");
            browser.find("tr[data-mirror-id='" + mirror.instance.instanceId() + "'] button.carry").click();
            browser.awaitText("#page-message", "Project NOPE does not exist.");
            browser.find(carries).clear();
            browser.find(carries).sendKeys("doc");
            browser.find("tr[data-mirror-id='" + mirror.instance.instanceId() + "'] button.carry").click();
            browser.await(d -> "DOC".equals(d.findElement(By.cssSelector(carries)).getAttribute("value")));
            assertThat(primary.admin.get("/rest/mirroring/latest/mirrorServers/" + mirror.instance.instanceId()).json()
                    .path("projects").toString()).isEqualTo("[\"DOC\"]");

            browser.open(primary.baseUrl() + "/admin/audit");
            browser.awaitText("#audit", "ACCEPT");
            assertThat(browser.text("#audit")).contains("TOKEN_REVOKE").contains("USER_DISABLE").contains("SIGN_IN")
                    .contains("PUSH");
            List<String> actions = browser.driver.findElements(By.cssSelector("#audit tr td:nth-child(2)")).stream()
                    .map(cell -> cell.getText()).toList();
            assertThat(actions).containsSubsequence("ACCEPT", "REQUEST");

            browser.find("#sign-out").click();
            browser.awaitText("h1", "Sign in");
            browser.open(primary.baseUrl() + "/admin/users");
            browser.awaitText("h1", "Sign in");
            assertThat(browser.driver.getCurrentUrl()).contains("/login?next=%2Fadmin%2Fusers");
        }
    }

    @Test
    void sessionCookiesStayOnThisSiteAndPasswordGuessingIsSlowedDown() throws Exception {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createUser("dave", "dave-secret-1");
            primary.createUser("erin", "erin-secret-1");
            HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
            HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(primary.baseUrl() + "/login")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String csrf = form.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
            for (int attempt = 1; attempt <= 5; attempt++) {
                HttpResponse<String> wrong = signIn(http, primary, csrf, "dave", "guess-" + attempt);
                assertThat(wrong.statusCode()).isEqualTo(401);
                assertThat(wrong.body()).contains("Wrong username or password.");
            }
            HttpResponse<String> locked = signIn(http, primary, csrf, "dave", "dave-secret-1");
            assertThat(locked.statusCode()).isEqualTo(429);
            assertThat(locked.body()).contains("Too many wrong passwords for dave; try again in");

            HttpResponse<String> user = signIn(http, primary, csrf, "erin", "erin-secret-1");
            assertThat(user.headers().firstValue("Location")).as("a user who is not an admin starts at the projects")
                    .hasValue("/projects");

            HttpResponse<String> admin = signIn(http, primary, csrf, "admin", TestPrimary.ADMIN_PASSWORD);
            assertThat(admin.statusCode()).isEqualTo(302);
            String cookie = admin.headers().allValues("Set-Cookie").stream()
                    .filter(value -> value.startsWith("facet-session=")).findFirst().orElseThrow();
            assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").doesNotContain("Secure");

            HttpResponse<String> elsewhere = http.send(HttpRequest.newBuilder(URI.create(primary.baseUrl() + "/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("csrf=" + enc(csrf) + "&username=admin&password="
                            + enc(TestPrimary.ADMIN_PASSWORD) + "&next=" + enc("/\t/evil.example"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(elsewhere.headers().firstValue("Location")).as("never sent to another host")
                    .hasValue("/admin/mirrors");

            String readToken = primary.admin.put("/rest/access-tokens/1.0/users/admin",
                    RestClient.json("name", "read-only", "permissions", List.of("REPO_READ"))).json().path("token").asText();
            HttpResponse<String> withToken = signIn(http, primary, csrf, "admin", readToken);
            assertThat(withToken.statusCode()).isEqualTo(400);
            assertThat(withToken.body()).contains("Sign in with your password");
            RestClient.Response createdWithToken = RestClient.anonymous(primary.baseUrl()).as("admin", readToken)
                    .post("/rest/api/1.0/admin/users", RestClient.json("name", "eve", "password", "eve-secret-1"));
            assertThat(createdWithToken.status()).as("an admin's read-only token is not an admin").isIn(403, 404);

            HttpResponse<String> forged = signIn(http, primary, "not-the-token", "admin", TestPrimary.ADMIN_PASSWORD);
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(forged.body()).contains("security token is missing or stale").doesNotContain("Exception");
        }
    }

    private static HttpResponse<String> signIn(HttpClient http, TestPrimary primary, String csrf, String user,
                                               String password) throws IOException, InterruptedException {
        String body = "csrf=" + enc(csrf) + "&username=" + enc(user) + "&password=" + enc(password) + "&next=";
        return http.send(HttpRequest.newBuilder(URI.create(primary.baseUrl() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
