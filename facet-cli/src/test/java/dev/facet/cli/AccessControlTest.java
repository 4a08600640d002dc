package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
}
