package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git LFS over SSH on a mirror, with the real git-lfs and OpenSSH clients: git-lfs-authenticate on the
 * mirror hands out the mirror's own download credential, good only where the primary's verdict on the key
 * says so; uploads sign in over HTTP and go on to the primary, which never takes a write on a mirror's word.
 */
class MirrorLfsOverSshTest {
    @TempDir
    Path dir;
    TestPrimary primary;
    TestMirror mirror;
    SshPeople people;
    Path knownHosts;
    byte[] model;
    GitClient writer;
    Path writerTree;

    /** A repository on the primary with one 1 MiB LFS file, carried by a mirror with a 1 s credential cache. */
    @BeforeEach
    void start() throws IOException {
        primary = TestPrimary.start(dir.resolve("primary"));
        primary.createProject("MLS");
        primary.createRepository("MLS", "assets", false);
        primary.createRepository("MLS", "other", false);
        people = SshPeople.on(primary, "MLS", dir.resolve("keys"));
        writer = LfsOverSsh.lfsClient(dir, "writer");
        writerTree = writer.newWorkTree(dir.resolve("writer"), "README.md");
        writer.run(writerTree, "lfs", "track", "*.bin").requireSuccess();
        model = new byte[1024 * 1024];
        new Random(16).nextBytes(model);
        Files.write(writerTree.resolve("model.bin"), model);
        writer.run(writerTree, "add", ".gitattributes", "model.bin").requireSuccess();
        writer.run(writerTree, "commit", "-q", "-m", "a model").requireSuccess();
        GitClient.Result pushed = writer.run(writerTree, "push", primary.gitUrl("writer", "writer-pass-1", "MLS",
                "assets"), "main");
        assertThat(pushed.exitCode()).as(pushed.stderr()).isZero();

        mirror = TestMirror.startAuthorized(dir.resolve("mirror"), primary, Map.of(RawSettings.AUTH_CACHE_SECONDS, "1"));
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[localhost]:" + mirrorSshPort() + " "
                + SshKeyPair.hostKeyOf(mirror.home.resolve("keys").resolve("ssh_host_ed25519_key")) + "\n");
        String head = writer.run(writerTree, "rev-parse", "HEAD").requireSuccess().stdout().strip();
        await().atMost(Duration.ofSeconds(30)).until(() -> writer.run(dir, lfs().as(people.reader()), "ls-remote",
                mirrorUrl("assets")).stdout().contains(head));
    }

    @AfterEach
    void stop() {
        mirror.close();
        primary.close();
    }

    private int mirrorSshPort() {
        return mirror.instance.sshPort().orElseThrow();
    }

    private String mirrorUrl(String repository) {
        return "ssh://git@localhost:" + mirrorSshPort() + "/MLS/" + repository + ".git";
    }

    private LfsOverSsh lfs() {
        return new LfsOverSsh(knownHosts, mirrorSshPort(), "MLS");
    }

    private int downloadBatch(String baseUrl, String repository, String authorization) throws Exception {
        return new LfsHttp(baseUrl).batch("MLS/" + repository, authorization, "download", LfsHttp.oid(model),
                model.length).status();
    }

    @Test
    void aCloneOverSshFromTheMirrorGetsItsLfsFilesWithTheMirrorsOwnCredential() throws Exception {
        JsonNode answer = lfs().authenticate(people.reader(), "assets", "download");
        assertThat(answer.path("href").asText()).isEqualTo(mirror.baseUrl() + "/scm/MLS/assets.git/info/lfs");
        assertThat(LfsOverSsh.authorization(answer)).startsWith("Bearer facet-lfs-ssh.");
        assertThat(downloadBatch(mirror.baseUrl(), "assets", LfsOverSsh.authorization(answer))).isEqualTo(200);
        // A mirror's credential is its own: the primary never takes it.
        assertThat(downloadBatch(primary.baseUrl(), "assets", LfsOverSsh.authorization(answer))).isEqualTo(401);
        // Nor does it reach another repository, nor an upload.
        assertThat(downloadBatch(mirror.baseUrl(), "other", LfsOverSsh.authorization(answer))).isEqualTo(403);
        assertThat(new LfsHttp(mirror.baseUrl()).batch("MLS/assets", LfsOverSsh.authorization(answer), "upload",
                LfsHttp.oid(model), model.length).status()).isEqualTo(403);

        GitClient reader = LfsOverSsh.lfsClient(dir, "reader");
        Path clone = dir.resolve("reader-clone");
        GitClient.Result cloned = reader.run(dir, lfs().as(people.reader()), "clone", "-q", mirrorUrl("assets"),
                clone.toString());
        assertThat(cloned.exitCode()).as(cloned.stderr()).isZero();
        assertThat(clone.resolve("model.bin")).hasBinaryContent(model);
    }

    @Test
    void aStrangerGetsNoCredentialAndARemovedKeysCredentialStopsWorking() throws Exception {
        GitClient.Result stranger = people.stranger().ssh(knownHosts, mirrorSshPort(), "git-lfs-authenticate",
                "MLS/assets", "download");
        assertThat(stranger.exitCode()).isNotZero();
        assertThat(stranger.stdout()).doesNotContain("facet-lfs-ssh");

        JsonNode answer = lfs().authenticate(people.reader(), "assets", "download");
        assertThat(downloadBatch(mirror.baseUrl(), "assets", LfsOverSsh.authorization(answer))).isEqualTo(200);
        RestClient reader = primary.anonymous.as("reader", "reader-pass-1");
        long id = TestPrimary.expect(200, reader.get("/rest/ssh/latest/keys")).json().path("values").path(0)
                .path("id").asLong();
        TestPrimary.expect(204, reader.delete("/rest/ssh/latest/keys/" + id));
        // The mirror asks the primary again once its short cache lapses (or a key event clears it).
        await().atMost(Duration.ofSeconds(30)).until(() -> downloadBatch(mirror.baseUrl(), "assets",
                LfsOverSsh.authorization(answer)) == 401);
    }

    @Test
    void anUploadOverSshThroughTheMirrorSignsInOverHttpAndLandsOnThePrimary() throws IOException {
        JsonNode answer = lfs().authenticate(people.writer(), "assets", "upload");
        assertThat(answer.path("href").asText()).isEqualTo(mirror.baseUrl() + "/scm/MLS/assets.git/info/lfs");
        assertThat(answer.path("header").has("Authorization")).isFalse();
        GitClient.Result readerAsks = people.reader().ssh(knownHosts, mirrorSshPort(), "git-lfs-authenticate",
                "MLS/assets", "upload");
        assertThat(readerAsks.exitCode()).isNotZero();
        assertThat(readerAsks.stderr()).contains("WRITE");

        // The writer's HTTP credentials, as Git's credential helper keeps them for the mirror.
        Path credentials = dir.resolve("writer-credentials");
        Files.writeString(credentials, mirror.baseUrl().replace("://", "://writer:writer-pass-1@") + "\n");
        writer.run(writerTree, "config", "credential.helper", "store --file=" + credentials).requireSuccess();
        byte[] texture = "a texture pushed over SSH through the mirror\n".getBytes(StandardCharsets.UTF_8);
        Files.write(writerTree.resolve("texture.bin"), texture);
        writer.run(writerTree, "add", "texture.bin").requireSuccess();
        writer.run(writerTree, "commit", "-q", "-m", "a texture").requireSuccess();
        Map<String, String> environment = new HashMap<>(lfs().as(people.writer()));
        GitClient.Result pushed = writer.run(writerTree, environment, "push", mirrorUrl("assets"), "main");
        assertThat(pushed.exitCode()).as(pushed.stderr()).isZero();

        JsonNode repository = TestPrimary.expect(200, primary.admin.get("/rest/api/1.0/projects/MLS/repos/assets"))
                .json();
        assertThat(repository.path("lfs").path("objectCount").asLong()).isEqualTo(2);
    }
}
