package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git LFS over SSH with the real git-lfs and OpenSSH clients: git-lfs asks the SSH server
 * ({@code git-lfs-authenticate}) where the LFS API is and for a short-lived credential, then calls that API
 * over HTTP. The credential is good for one key, one repository and one operation only.
 */
class GitLfsOverSshTest {
    @TempDir
    Path dir;
    TestPrimary primary;
    SshPeople people;
    Path knownHosts;

    @BeforeEach
    void start() throws IOException {
        primary = TestPrimary.start(dir.resolve("primary"));
        primary.createProject("LFS");
        primary.createRepository("LFS", "assets", false);
        primary.createRepository("LFS", "other", false);
        people = SshPeople.on(primary, "LFS", dir.resolve("keys"));
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[localhost]:" + sshPort() + " "
                + SshKeyPair.hostKeyOf(primary.home.resolve("keys").resolve("ssh_host_ed25519_key")) + "\n");
    }

    @AfterEach
    void stop() {
        primary.close();
    }

    private int sshPort() {
        return primary.instance.sshPort().orElseThrow();
    }

    private String sshUrl(String repository) {
        return "ssh://git@localhost:" + sshPort() + "/LFS/" + repository + ".git";
    }

    private LfsOverSsh lfs() {
        return new LfsOverSsh(knownHosts, sshPort(), "LFS");
    }

    private LfsHttp.Answer batch(JsonNode answer, String repository, String operation, byte[] content)
            throws Exception {
        return new LfsHttp(primary.baseUrl()).batch("LFS/" + repository, LfsOverSsh.authorization(answer), operation,
                LfsHttp.oid(content), content.length);
    }

    @Test
    void aPushOverSshUploadsTheObjectsAndACloneOverSshFetchesThemByteForByte() throws IOException {
        GitClient writer = LfsOverSsh.lfsClient(dir, "writer");
        Path tree = writer.newWorkTree(dir.resolve("writer"), "README.md");
        writer.run(tree, "lfs", "track", "*.bin").requireSuccess();
        byte[] big = new byte[2 * 1024 * 1024];
        new Random(15).nextBytes(big);
        Files.write(tree.resolve("model.bin"), big);
        Files.writeString(tree.resolve("small.bin"), "small but tracked\n");
        writer.run(tree, "add", ".gitattributes", "model.bin", "small.bin").requireSuccess();
        writer.run(tree, "commit", "-q", "-m", "models").requireSuccess();
        GitClient.Result push = writer.run(tree, lfs().as(people.writer()), "push", sshUrl("assets"), "main");
        assertThat(push.exitCode()).as(push.stderr()).isZero();

        JsonNode repository = TestPrimary.expect(200, primary.admin.get("/rest/api/1.0/projects/LFS/repos/assets"))
                .json();
        assertThat(repository.path("lfs").path("objectCount").asLong()).isEqualTo(2);

        GitClient reader = LfsOverSsh.lfsClient(dir, "reader");
        Path clone = dir.resolve("reader-clone");
        GitClient.Result cloned = reader.run(dir, lfs().as(people.reader()), "clone", "-q", sshUrl("assets"),
                clone.toString());
        assertThat(cloned.exitCode()).as(cloned.stderr()).isZero();
        assertThat(clone.resolve("model.bin")).hasBinaryContent(big);
        assertThat(clone.resolve("small.bin")).hasContent("small but tracked");
        // The checkout holds the content, and Git itself the pointer: git-lfs fetched over the API, not Git.
        assertThat(reader.run(clone, "cat-file", "-p", "HEAD:model.bin").requireSuccess().stdout())
                .startsWith("version https://git-lfs.github.com/spec/v1");

        // A reader's push of LFS content is refused by the same rule as their Git push.
        Files.writeString(clone.resolve("small.bin"), "reader's change\n");
        reader.run(clone, "commit", "-q", "-am", "reader edits").requireSuccess();
        GitClient.Result refused = reader.run(clone, lfs().as(people.reader()), "push", "origin", "main");
        assertThat(refused.exitCode()).isNotZero();
    }

    @Test
    void theAnswerPointsAtTheRepositorysLfsApiWithACredentialThatExpiresSoon() throws IOException {
        JsonNode answer = lfs().authenticate(people.writer(), "assets", "upload");
        assertThat(answer.path("href").asText()).isEqualTo(primary.baseUrl() + "/scm/LFS/assets.git/info/lfs");
        assertThat(LfsOverSsh.authorization(answer)).startsWith("Bearer facet-lfs-ssh.");
        assertThat(answer.path("expires_in").asLong()).isBetween(1L, 600L);
        assertThat(answer.path("expires_at").asText()).isNotBlank();
        // git-lfs's bare form and Git's quoted one name the same repository.
        assertThat(people.writer().ssh(knownHosts, sshPort(), "git-lfs-authenticate", "'LFS/assets'", "download")
                .exitCode()).isZero();
    }

    @Test
    void aCredentialReachesOnlyItsRepositoryAndItsOperation() throws Exception {
        byte[] content = "content\n".getBytes(StandardCharsets.UTF_8);
        JsonNode download = lfs().authenticate(people.writer(), "assets", "download");
        assertThat(batch(download, "assets", "download", content).status()).isEqualTo(200);
        // Issued for a download, it cannot upload, though its key could ask for an upload credential.
        LfsHttp.Answer upload = batch(download, "assets", "upload", content);
        assertThat(upload.status()).isEqualTo(403);
        assertThat(upload.body()).contains("download only");
        // Issued for assets, it does not open the writer's other repository.
        assertThat(batch(download, "other", "download", content).status()).isEqualTo(403);
        assertThat(batch(lfs().authenticate(people.writer(), "other", "download"), "other", "download", content)
                .status()).isEqualTo(200);
        // Nor is it a credential for Git itself, or for the REST API.
        assertThat(primary.anonymous.withAuthorization(LfsOverSsh.authorization(download))
                .get("/scm/LFS/assets.git/info/refs?service=git-upload-pack").status()).isEqualTo(401);
        assertThat(primary.anonymous.withAuthorization(LfsOverSsh.authorization(download))
                .get("/rest/api/1.0/projects/LFS/repos/assets").status()).isEqualTo(401);
    }

    @Test
    void aTamperedCredentialIsRefused() throws Exception {
        byte[] content = "content\n".getBytes(StandardCharsets.UTF_8);
        String genuine = LfsOverSsh.authorization(lfs().authenticate(people.reader(), "assets", "download"));
        String payload = genuine.substring(genuine.indexOf('.') + 1, genuine.lastIndexOf('.'));
        String decoded = new String(java.util.Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8);
        String raised = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                decoded.replace("|READ|", "|WRITE|").getBytes(StandardCharsets.UTF_8));
        String tampered = genuine.replace(payload, raised);
        assertThat(tampered).isNotEqualTo(genuine);
        LfsHttp http = new LfsHttp(primary.baseUrl());
        assertThat(http.batch("LFS/assets", tampered, "upload", LfsHttp.oid(content), content.length).status())
                .isEqualTo(401);
        assertThat(http.batch("LFS/assets", genuine + "x", "download", LfsHttp.oid(content), content.length)
                .status()).isEqualTo(401);
    }

    @Test
    void aReaderAsksForAnUploadInVainAndAStrangerForAnything() {
        GitClient.Result reader = people.reader().ssh(knownHosts, sshPort(), "git-lfs-authenticate", "LFS/assets.git",
                "upload");
        assertThat(reader.exitCode()).isNotZero();
        assertThat(reader.stdout()).isEmpty();
        assertThat(reader.stderr()).startsWith("facet: ");
        GitClient.Result stranger = people.stranger().ssh(knownHosts, sshPort(), "git-lfs-authenticate",
                "LFS/assets.git", "download");
        assertThat(stranger.exitCode()).isNotZero();
        assertThat(stranger.stdout()).isEmpty();
        assertThat(stranger.stderr()).contains("facet: ");
        GitClient.Result unknownOperation = people.writer().ssh(knownHosts, sshPort(), "git-lfs-authenticate",
                "LFS/assets.git", "delete");
        assertThat(unknownOperation.exitCode()).isNotZero();
        assertThat(unknownOperation.stdout()).isEmpty();
    }

    @Test
    void aReadOnlyAccessKeyGetsDownloadCredentialsOnly() throws Exception {
        SshKeyPair key = SshKeyPair.generate(dir.resolve("keys"), "ci", "-t", "ed25519");
        TestPrimary.expect(201, primary.admin.post("/rest/keys/latest/projects/LFS/repos/assets/ssh",
                RestClient.json("key", Map.of("text", key.publicKey(), "label", "ci"))));
        byte[] content = "content\n".getBytes(StandardCharsets.UTF_8);
        assertThat(batch(lfs().authenticate(key, "assets", "download"), "assets", "download", content).status())
                .isEqualTo(200);
        GitClient.Result upload = key.ssh(knownHosts, sshPort(), "git-lfs-authenticate", "LFS/assets.git", "upload");
        assertThat(upload.exitCode()).isNotZero();
        assertThat(upload.stdout()).isEmpty();
        assertThat(key.ssh(knownHosts, sshPort(), "git-lfs-authenticate", "LFS/other.git", "download").exitCode())
                .isNotZero();
    }

    @Test
    void aCredentialStopsWorkingOnceItsKeyIsRemoved() throws Exception {
        byte[] content = "content\n".getBytes(StandardCharsets.UTF_8);
        JsonNode answer = lfs().authenticate(people.reader(), "assets", "download");
        assertThat(batch(answer, "assets", "download", content).status()).isEqualTo(200);
        RestClient reader = primary.anonymous.as("reader", "reader-pass-1");
        long id = TestPrimary.expect(200, reader.get("/rest/ssh/latest/keys")).json().path("values").path(0)
                .path("id").asLong();
        TestPrimary.expect(204, reader.delete("/rest/ssh/latest/keys/" + id));
        assertThat(batch(answer, "assets", "download", content).status()).isEqualTo(401);
    }
}
