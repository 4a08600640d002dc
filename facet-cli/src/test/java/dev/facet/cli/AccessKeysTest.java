package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSH access keys of a project or a repository, added through Bitbucket's REST paths and used by the real OpenSSH
 * client and {@code git}: a key reaches only what it was added to, and only as far as its permission.
 */
class AccessKeysTest {
    private static final String PROJECT_KEYS = "/rest/keys/latest/projects/CI/ssh";
    private static final String REPOSITORY_KEYS = "/rest/keys/latest/projects/CI/repos/app/ssh";

    @TempDir
    Path dir;
    TestPrimary primary;
    GitClient git;
    Path knownHosts;
    Path work;

    @BeforeEach
    void start() throws IOException {
        primary = TestPrimary.start(dir.resolve("primary"));
        primary.createProject("CI");
        primary.createRepository("CI", "app", false);
        primary.createRepository("CI", "other", false);
        primary.createProject("ELSE");
        primary.createRepository("ELSE", "secret", false);
        git = new GitClient(dir.resolve("git-home"));
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[localhost]:" + sshPort() + " "
                + SshKeyPair.hostKeyOf(primary.home.resolve("keys").resolve("ssh_host_ed25519_key")) + "\n");
        work = git.newWorkTree(dir.resolve("work"), "README.md");
        for (String path : new String[] {"CI/app", "CI/other", "ELSE/secret"}) {
            String[] names = path.split("/");
            git.run(work, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, names[0], names[1]),
                    "main").requireSuccess();
        }
    }

    @AfterEach
    void stop() {
        primary.close();
    }

    private int sshPort() {
        return primary.instance.sshPort().orElseThrow();
    }

    private String url(String project, String repository) {
        return "ssh://git@localhost:" + sshPort() + "/" + project + "/" + repository + ".git";
    }

    private Map<String, String> as(SshKeyPair key) {
        return Map.of("GIT_SSH_COMMAND", key.sshCommand(knownHosts));
    }

    private SshKeyPair newKey(String name) {
        return SshKeyPair.generate(dir.resolve("keys"), name, "-t", "ed25519");
    }

    private RestClient.Response add(RestClient client, String path, SshKeyPair key, String permission) {
        return permission == null
                ? client.post(path, RestClient.json("key", Map.of("text", key.publicKey(), "label", "ci")))
                : client.post(path, RestClient.json("key", Map.of("text", key.publicKey(), "label", "ci"),
                "permission", permission));
    }

    @Test
    void aRepositoryReadKeyClonesItsRepositoryAndNothingElseAndCannotPush() {
        SshKeyPair key = newKey("ci-app");
        JsonNode added = TestPrimary.expect(201, add(primary.admin, REPOSITORY_KEYS, key, null)).json();
        assertThat(added.path("permission").asText()).isEqualTo("REPO_READ");
        assertThat(added.path("key").path("fingerprint").asText()).isEqualTo(key.fingerprint());
        assertThat(added.path("repository").path("slug").asText()).isEqualTo("app");
        assertThat(added.path("repository").path("project").path("key").asText()).isEqualTo("CI");

        git.run(dir, as(key), "clone", "-q", url("CI", "app"), dir.resolve("app").toString()).requireSuccess();

        GitClient.Result sibling = git.run(dir, as(key), "ls-remote", url("CI", "other"));
        assertThat(sibling.exitCode()).isNotZero();
        assertThat(sibling.stderr()).contains("does not exist");
        GitClient.Result elsewhere = git.run(dir, as(key), "ls-remote", url("ELSE", "secret"));
        assertThat(elsewhere.exitCode()).isNotZero();
        assertThat(elsewhere.stderr()).contains("does not exist");

        git.commitFile(work, "ci.txt", "from ci\n");
        GitClient.Result push = git.run(work, as(key), "push", url("CI", "app"), "main");
        assertThat(push.exitCode()).isNotZero();
        assertThat(push.stderr()).contains("WRITE");
        assertThat(git.run(work, as(key), "ls-remote", url("CI", "app"), "refs/heads/main").requireSuccess().stdout())
                .doesNotContain(git.run(work, "rev-parse", "main").stdout().strip());
    }

    @Test
    void aProjectKeyReadsEveryRepositoryOfItsProjectOnlyAndAWriteKeyPushes() {
        SshKeyPair key = newKey("ci-project");
        TestPrimary.expect(201, add(primary.admin, PROJECT_KEYS, key, "PROJECT_READ"));

        assertThat(git.run(dir, as(key), "ls-remote", url("CI", "app")).requireSuccess().stdout()).contains("main");
        assertThat(git.run(dir, as(key), "ls-remote", url("ci", "other")).requireSuccess().stdout()).contains("main");
        assertThat(git.run(dir, as(key), "ls-remote", url("ELSE", "secret")).exitCode()).isNotZero();
        git.commitFile(work, "ci.txt", "from ci\n");
        assertThat(git.run(work, as(key), "push", url("CI", "app"), "main").exitCode()).isNotZero();

        long id = TestPrimary.expect(200, primary.admin.get(PROJECT_KEYS)).json().path("values").path(0).path("key")
                .path("id").asLong();
        JsonNode changed = TestPrimary.expect(200, primary.admin.put(PROJECT_KEYS + "/" + id
                + "/permission/PROJECT_WRITE", null)).json();
        assertThat(changed.path("permission").asText()).isEqualTo("PROJECT_WRITE");

        git.run(work, as(key), "push", "-q", url("CI", "app"), "main").requireSuccess();
        assertThat(git.lsRemote(work, primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "CI", "app")))
                .anyMatch(line -> line.startsWith(git.run(work, "rev-parse", "main").stdout().strip()));
        assertThat(git.run(work, as(key), "push", url("ELSE", "secret"), "main").exitCode()).isNotZero();
    }

    @Test
    void aRevokedKeyIsRefusedAtLogin() {
        SshKeyPair key = newKey("ci-revoked");
        long id = TestPrimary.expect(201, add(primary.admin, REPOSITORY_KEYS, key, null)).json().path("key").path("id")
                .asLong();
        git.run(dir, as(key), "ls-remote", url("CI", "app")).requireSuccess();

        TestPrimary.expect(204, primary.admin.delete(REPOSITORY_KEYS + "/" + id));

        assertThat(TestPrimary.expect(200, primary.admin.get(REPOSITORY_KEYS)).json().path("values")).isEmpty();
        TestPrimary.expect(404, primary.admin.get(REPOSITORY_KEYS + "/" + id));
        assertThat(git.run(dir, as(key), "ls-remote", url("CI", "app")).stderr())
                .contains("Permission denied (publickey)");
    }

    @Test
    void aKeyIsEitherAUsersKeyOrOneAccessKey() {
        primary.createUser("dev", "dev-pass-1");
        SshKeyPair personal = newKey("dev-personal");
        TestPrimary.expect(201, primary.anonymous.as("dev", "dev-pass-1").post("/rest/ssh/latest/keys",
                RestClient.json("text", personal.publicKey())));
        SshKeyPair ci = newKey("ci-once");
        TestPrimary.expect(201, add(primary.admin, REPOSITORY_KEYS, ci, null));

        assertThat(add(primary.admin, PROJECT_KEYS, personal, null).status()).isEqualTo(409);
        assertThat(add(primary.admin, "/rest/keys/latest/projects/ELSE/repos/secret/ssh", ci, null).status())
                .isEqualTo(409);
        assertThat(primary.anonymous.as("dev", "dev-pass-1").post("/rest/ssh/latest/keys",
                RestClient.json("text", ci.publicKey())).status()).isEqualTo(409);
        assertThat(git.run(dir, as(ci), "ls-remote", url("ELSE", "secret")).exitCode()).isNotZero();
    }

    @Test
    void onlyTheProjectsAdministratorManagesItsKeysAndBadInputIsA400() {
        primary.createUser("writer", "writer-pass-1");
        primary.grantProject("CI", "writer", "PROJECT_WRITE");
        RestClient writer = primary.anonymous.as("writer", "writer-pass-1");
        SshKeyPair key = newKey("ci-sneaky");

        assertThat(add(writer, REPOSITORY_KEYS, key, "REPO_WRITE").status()).isEqualTo(403);
        assertThat(writer.get(PROJECT_KEYS).status()).isEqualTo(403);
        assertThat(add(primary.anonymous, PROJECT_KEYS, key, null).status()).isEqualTo(401);
        assertThat(add(primary.admin, REPOSITORY_KEYS, key, "REPO_ADMIN").status()).isEqualTo(400);
        assertThat(add(primary.admin, REPOSITORY_KEYS, key, "PROJECT_READ").status()).isEqualTo(400);
        assertThat(add(primary.admin, PROJECT_KEYS, key, "NOPE").status()).isEqualTo(400);
        assertThat(primary.admin.post(PROJECT_KEYS, RestClient.json("key", Map.of("text", "ssh-rsa AAAA nope")))
                .status()).isEqualTo(400);
        assertThat(primary.admin.post(PROJECT_KEYS, "{}").status()).isEqualTo(400);
        assertThat(primary.admin.get(PROJECT_KEYS + "/abc").status()).isEqualTo(400);
        assertThat(add(primary.admin, "/rest/keys/latest/projects/NOPE/ssh", key, null).status()).isEqualTo(404);
        assertThat(git.run(dir, as(key), "ls-remote", url("CI", "app")).exitCode()).isNotZero();
    }
}
