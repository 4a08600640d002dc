package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessControlTest {
    @TempDir
    static Path home;
    @TempDir
    Path work;
    static TestPrimary primary;
    static GitClient seeder;

    @BeforeAll
    static void startPrimaryWithPrivateAndPublicRepositories() {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createProject("SEC");
        primary.createRepository("SEC", "private", false);
        primary.createRepository("SEC", "open", true);
        primary.createUser("reader", "reader-pass-1");
        primary.createUser("writer", "writer-pass-1");
        primary.createUser("stranger", "stranger-pass-1");
        primary.grantProject("SEC", "reader", "PROJECT_READ");
        primary.grantProject("SEC", "writer", "PROJECT_WRITE");
        seeder = new GitClient(home.resolve("seeder-home"));
        Path seed = seeder.newWorkTree(home.resolve("seed"), "README.md");
        for (String slug : new String[] {"private", "open"}) {
            seeder.run(seed, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "SEC", slug), "main")
                    .requireSuccess();
        }
    }

    @AfterAll
    static void stopPrimary() {
        primary.close();
    }

    private GitClient git() {
        return new GitClient(work.resolve("git-home"));
    }

    @Test
    void projectReaderCanCloneButNotPush() {
        GitClient git = git();
        String url = primary.gitUrl("reader", "reader-pass-1", "SEC", "private");
        git.run(work, "clone", "-q", url, work.resolve("clone").toString()).requireSuccess();
        git.commitFile(work.resolve("clone"), "change.txt", "change\n");

        GitClient.Result push = git.run(work.resolve("clone"), "push", url, "main");

        assertThat(push.exitCode()).isNotZero();
        assertThat(push.stderr()).contains("403");
    }

    @Test
    void projectWriterCanPush() {
        GitClient git = git();
        String url = primary.gitUrl("writer", "writer-pass-1", "SEC", "private");
        git.run(work, "clone", "-q", url, work.resolve("clone").toString()).requireSuccess();
        git.commitFile(work.resolve("clone"), "writer.txt", "written\n");
        git.run(work.resolve("clone"), "push", "-q", url, "HEAD:refs/heads/writer-branch").requireSuccess();

        assertThat(git.lsRemote(work, url)).anyMatch(line -> line.endsWith("refs/heads/writer-branch"));
    }

    @Test
    void anonymousCloneOfPrivateRepositoryIsAskedToAuthenticate() {
        GitClient.Result clone = git().run(work, "clone", primary.anonymousGitUrl("SEC", "private"), "x");
        assertThat(clone.exitCode()).isNotZero();
        assertThat(clone.stderr()).contains("could not read Username");

        RestClient.Response refs = primary.anonymous.get("/scm/SEC/private.git/info/refs?service=git-upload-pack");
        assertThat(refs.status()).isEqualTo(401);
        assertThat(refs.raw().headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"Facet\"");
    }

    @Test
    void anonymousCanCloneAPublicRepositoryButNotPushToIt() {
        GitClient git = git();
        String url = primary.anonymousGitUrl("SEC", "open");
        git.run(work, "clone", "-q", url, work.resolve("clone").toString()).requireSuccess();
        git.commitFile(work.resolve("clone"), "anon.txt", "anonymous\n");

        GitClient.Result push = git.run(work.resolve("clone"), "push", url, "main");

        assertThat(push.exitCode()).isNotZero();
        assertThat(push.stderr()).contains("could not read Username");
    }

    @Test
    void accessTokenWorksAsPassword() {
        RestClient.Response token = TestPrimary.expect(201, primary.anonymous.as("writer", "writer-pass-1")
                .put("/rest/access-tokens/1.0/users/writer", RestClient.json("name", "ci", "permissions",
                        new String[] {"REPO_WRITE"})));
        String secret = token.json().path("token").asText();
        assertThat(secret).startsWith("fct_");

        GitClient git = git();
        String url = primary.gitUrl("writer", secret, "SEC", "private");
        git.run(work, "clone", "-q", url, work.resolve("clone").toString()).requireSuccess();
        git.commitFile(work.resolve("clone"), "token.txt", "by token\n");
        git.run(work.resolve("clone"), "push", "-q", url, "HEAD:refs/heads/token-branch").requireSuccess();

        assertThat(primary.anonymous.withAuthorization("Bearer " + secret).get("/rest/api/1.0/projects/SEC/repos/private")
                .status()).isEqualTo(200);
    }

    @Test
    void readOnlyTokenCannotPushEvenForAWriter() {
        String secret = TestPrimary.expect(201, primary.anonymous.as("writer", "writer-pass-1")
                .put("/rest/access-tokens/1.0/users/writer", RestClient.json("name", "read-only", "permissions",
                        new String[] {"REPO_READ"}))).json().path("token").asText();
        GitClient git = git();
        String url = primary.gitUrl("writer", secret, "SEC", "private");
        git.run(work, "clone", "-q", url, work.resolve("clone").toString()).requireSuccess();
        git.commitFile(work.resolve("clone"), "nope.txt", "nope\n");

        GitClient.Result push = git.run(work.resolve("clone"), "push", url, "main");

        assertThat(push.exitCode()).isNotZero();
        assertThat(push.stderr()).contains("403");
    }

    @Test
    void wrongPasswordIsRefused() {
        GitClient.Result clone = git().run(work, "clone", primary.gitUrl("reader", "not-the-password", "SEC", "private"), "x");
        assertThat(clone.exitCode()).isNotZero();
        assertThat(clone.stderr()).contains("Authentication failed");
        assertThat(primary.anonymous.as("reader", "not-the-password").get("/rest/api/1.0/projects").status())
                .isEqualTo(401);
    }

    @Test
    void userWithoutPermissionIsToldThePrivateRepositoryDoesNotExist() {
        GitClient.Result clone = git().run(work, "clone", primary.gitUrl("stranger", "stranger-pass-1", "SEC", "private"), "x");
        assertThat(clone.exitCode()).isNotZero();
        assertThat(clone.stderr()).contains("Repository SEC/private does not exist", "not found");
        assertThat(primary.anonymous.as("stranger", "stranger-pass-1").get("/rest/api/1.0/projects/SEC/repos/private")
                .status()).isEqualTo(404);
        assertThat(primary.anonymous.as("stranger", "stranger-pass-1").get("/rest/api/1.0/projects/SEC/repos")
                .json().path("values")).extracting(v -> v.path("slug").asText()).contains("open").doesNotContain("private");
    }

    @Test
    void grantingRepositoryWriteLetsAStrangerPush() {
        primary.createRepository("SEC", "granted", false);
        GitClient git = git();
        String url = primary.gitUrl("stranger", "stranger-pass-1", "SEC", "granted");
        Path source = git.newWorkTree(work.resolve("source"), "a.txt");
        assertThat(git.run(source, "push", url, "main").exitCode()).isNotZero();

        TestPrimary.expect(204, primary.admin.put(
                "/rest/api/1.0/projects/SEC/repos/granted/permissions/users?name=stranger&permission=REPO_WRITE", null));

        git.run(source, "push", "-q", url, "main").requireSuccess();
    }

    @Test
    void onlyAdministratorsCreateProjectsAndUsers() {
        RestClient writer = primary.anonymous.as("writer", "writer-pass-1");
        assertThat(writer.post("/rest/api/1.0/projects", RestClient.json("key", "NOPE", "name", "Nope")).status())
                .isEqualTo(403);
        assertThat(writer.post("/rest/api/1.0/admin/users", RestClient.json("name", "x", "password", "long-enough-1"))
                .status()).isEqualTo(403);
        assertThat(primary.anonymous.post("/rest/api/1.0/projects", RestClient.json("key", "NOPE", "name", "Nope"))
                .status()).isEqualTo(401);
    }

    /** An access token the administrator made for themselves with one permission, or their password. */
    private static RestClient adminWith(String permission) {
        if (permission.equals("PASSWORD")) {
            return primary.admin;
        }
        String secret = TestPrimary.expect(201, primary.admin.put("/rest/access-tokens/1.0/users/admin",
                RestClient.json("name", "scope-" + permission, "permissions", new String[] {permission})))
                .json().path("token").asText();
        return primary.anonymous.withAuthorization("Bearer " + secret);
    }

    private record Action(String name, java.util.function.BiFunction<RestClient, String, RestClient.Response> call) {
    }

    @Test
    void anAdministratorsTokensReachWhatTheirScopeNamesAndNeverAdministration() {
        primary.createProject("TOK");
        primary.createRepository("TOK", "scoped", false);
        primary.createUser("bystander", "bystander-pass-1");
        List<Action> actions = List.of(
                new Action("create a user", (rest, row) -> rest.post("/rest/api/1.0/admin/users",
                        RestClient.json("name", "made-by-" + row.toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                                "password", "long-enough-1"))),
                new Action("create a project", (rest, row) -> rest.post("/rest/api/1.0/projects",
                        RestClient.json("key", "P" + row.replace("_", ""), "name", "made by " + row))),
                new Action("list mirror requests", (rest, row) -> rest.get("/rest/mirroring/latest/requests")),
                new Action("create a token", (rest, row) -> rest.put("/rest/access-tokens/1.0/users/admin",
                        RestClient.json("name", "minted", "permissions", new String[] {"PROJECT_ADMIN"}))),
                new Action("read a private repository", (rest, row) -> rest.get("/rest/api/1.0/projects/TOK/repos/scoped")),
                new Action("grant on a repository", (rest, row) -> rest.put(
                        "/rest/api/1.0/projects/TOK/repos/scoped/permissions/users?name=bystander&permission=REPO_READ",
                        null)),
                new Action("grant on a project", (rest, row) -> rest.put(
                        "/rest/api/1.0/projects/TOK/permissions/users?name=bystander&permission=PROJECT_READ", null)));
        // Rows: what the administrator signed in with. Columns follow the actions above.
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put("PASSWORD", new int[] {201, 201, 200, 201, 200, 204, 204});
        expected.put("REPO_READ", new int[] {403, 403, 403, 403, 200, 403, 403});
        expected.put("REPO_WRITE", new int[] {403, 403, 403, 403, 200, 403, 403});
        expected.put("REPO_ADMIN", new int[] {403, 403, 403, 403, 200, 204, 403});
        expected.put("PROJECT_READ", new int[] {403, 403, 403, 403, 200, 403, 403});
        expected.put("PROJECT_ADMIN", new int[] {403, 403, 403, 403, 200, 204, 204});

        List<String> wrong = new ArrayList<>();
        expected.forEach((row, statuses) -> {
            RestClient rest = adminWith(row);
            for (int i = 0; i < actions.size(); i++) {
                RestClient.Response response = actions.get(i).call().apply(rest, row);
                if (response.status() != statuses[i]) {
                    wrong.add(row + " / " + actions.get(i).name() + ": expected " + statuses[i] + ", got " + response);
                }
            }
        });

        assertThat(wrong).isEmpty();
    }

    @Test
    void anAdministratorsWriteTokenPushesToEveryRepositoryButAReadTokenDoesNot() {
        primary.createRepository("SEC", "admins-only", false);
        GitClient git = git();
        Path source = git.newWorkTree(work.resolve("source"), "a.txt");
        String writeToken = TestPrimary.expect(201, primary.admin.put("/rest/access-tokens/1.0/users/admin",
                RestClient.json("name", "ci-write", "permissions", new String[] {"REPO_WRITE"}))).json().path("token")
                .asText();
        String readToken = TestPrimary.expect(201, primary.admin.put("/rest/access-tokens/1.0/users/admin",
                RestClient.json("name", "ci-read", "permissions", new String[] {"REPO_READ"}))).json().path("token")
                .asText();

        git.run(source, "push", "-q", primary.gitUrl("admin", writeToken, "SEC", "admins-only"), "main").requireSuccess();
        git.commitFile(source, "b.txt", "b\n");
        GitClient.Result readPush = git.run(source, "push", primary.gitUrl("admin", readToken, "SEC", "admins-only"), "main");

        assertThat(git.lsRemote(work, primary.gitUrl("admin", readToken, "SEC", "admins-only")))
                .anyMatch(line -> line.endsWith("refs/heads/main"));
        assertThat(readPush.exitCode()).isNotZero();
        assertThat(readPush.stderr()).contains("403");
    }

    @Test
    void aTokenCannotMintATokenNotEvenAWeakerOne() {
        String readToken = TestPrimary.expect(201, primary.anonymous.as("writer", "writer-pass-1")
                .put("/rest/access-tokens/1.0/users/writer", RestClient.json("name", "would-mint", "permissions",
                        new String[] {"REPO_READ"}))).json().path("token").asText();

        for (RestClient withToken : List.of(primary.anonymous.as("writer", readToken),
                primary.anonymous.withAuthorization("Bearer " + readToken))) {
            RestClient.Response minted = withToken.put("/rest/access-tokens/1.0/users/writer",
                    RestClient.json("name", "stronger", "permissions", new String[] {"REPO_READ"}));
            assertThat(minted.status()).isEqualTo(403);
            assertThat(minted.firstError()).isEqualTo("An access token may not create access tokens; use your password.");
        }
    }

    @Test
    void anAdministratorCannotCreateATokenForAnotherUser() {
        RestClient.Response forReader = primary.admin.put("/rest/access-tokens/1.0/users/reader",
                RestClient.json("name", "impersonate", "permissions", new String[] {"REPO_READ"}));

        assertThat(forReader.status()).isEqualTo(403);
        assertThat(forReader.firstError()).contains("Access tokens are created by their owner only");
    }
}
