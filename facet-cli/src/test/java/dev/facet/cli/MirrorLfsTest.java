package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git LFS served by a mirror, with the real {@code git-lfs} client: objects pushed to the primary
 * clone identical from the mirror, which fetches each from the primary once and serves it from disk
 * after, also while the primary is down; uploads and locks go through the mirror to the primary;
 * access is the primary's to decide, and a wrong upload is stored nowhere. The last test stops the primary.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MirrorLfsTest {
    private static final String[] BIG_FILES = {"assets/one.bin", "assets/two.bin", "video.bin"};
    private static final int BIG_FILE_BYTES = 2 * 1024 * 1024;

    @TempDir
    static Path home;
    @TempDir
    Path work;
    static TestPrimary primary;
    static TestMirror mirror;
    static Map<String, String> pushedSha256 = new java.util.HashMap<>();

    @BeforeAll
    static void startPrimaryAndMirror() throws IOException {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createProject("LFS");
        primary.createRepository("LFS", "assets", false);
        primary.createRepository("LFS", "uploads", false);
        primary.createRepository("LFS", "locked", false);
        primary.createUser("alice", "alice-pass-1");
        primary.createUser("bob", "bob-pass-1");
        primary.createUser("reader", "reader-pass-1");
        primary.createUser("stranger", "stranger-pass-1");
        primary.grantProject("LFS", "alice", "PROJECT_WRITE");
        primary.grantProject("LFS", "bob", "PROJECT_WRITE");
        primary.grantProject("LFS", "reader", "PROJECT_READ");

        GitClient alice = lfsClient(home.resolve("alice-home"));
        Path tree = alice.newWorkTree(home.resolve("alice"), "README.md");
        alice.run(tree, "lfs", "track", "*.bin").requireSuccess();
        Random random = new Random(15);
        for (String file : BIG_FILES) {
            byte[] content = new byte[BIG_FILE_BYTES + file.length()];
            random.nextBytes(content);
            Files.createDirectories(tree.resolve(file).getParent());
            Files.write(tree.resolve(file), content);
            pushedSha256.put(file, GitLfsTest.sha256(tree.resolve(file)));
        }
        alice.run(tree, "add", ".gitattributes", "assets", "video.bin").requireSuccess();
        alice.run(tree, "commit", "-q", "-m", "large files").requireSuccess();
        alice.run(tree, "push", "-q", primary.gitUrl("alice", "alice-pass-1", "LFS", "assets"), "main")
                .requireSuccess();

        mirror = TestMirror.startAuthorized(home.resolve("mirror"), primary,
                Map.of(RawSettings.RECONCILE_SECONDS, "2"));
    }

    @AfterAll
    static void stopBoth() {
        mirror.close();
        primary.close();
    }

    /** A git client in its own home with git-lfs installed there. */
    static GitClient lfsClient(Path gitHome) {
        GitClient git = new GitClient(gitHome);
        git.run(gitHome.getParent(), "lfs", "install", "--skip-repo").requireSuccess();
        return git;
    }

    @Test
    @Order(1)
    void aCloneFromTheMirrorHasThePrimarysContentAndEachObjectIsFetchedFromThePrimaryOnce() throws IOException {
        long fetchedBefore = mirror.metric("facet_mirror_lfs_fetched_bytes_total");
        GitClient reader = lfsClient(work.resolve("reader-home"));
        Path clone = work.resolve("from-mirror");
        GitClient.Result cloned = reader.run(work, "clone", "-q",
                mirror.gitUrl("reader", "reader-pass-1", "LFS", "assets"), clone.toString());
        assertThat(cloned.exitCode()).as(cloned.stderr()).isZero();
        long total = 0;
        for (String file : BIG_FILES) {
            assertThat(GitLfsTest.sha256(clone.resolve(file))).as(file).isEqualTo(pushedSha256.get(file));
            total += Files.size(clone.resolve(file));
        }
        assertThat(mirror.metric("facet_mirror_lfs_fetched_bytes_total") - fetchedBefore).isEqualTo(total);
        assertThat(lfsFiles(mirror.home)).hasSize(BIG_FILES.length);

        // A second clone is served from the mirror's disk: nothing more comes from the primary.
        long servedBefore = mirror.metric("facet_mirror_lfs_served_bytes_total");
        GitClient.Result again = reader.run(work, "clone", "-q",
                mirror.gitUrl("reader", "reader-pass-1", "LFS", "assets"), work.resolve("again").toString());
        assertThat(again.exitCode()).as(again.stderr()).isZero();
        assertThat(mirror.metric("facet_mirror_lfs_fetched_bytes_total") - fetchedBefore).isEqualTo(total);
        assertThat(mirror.metric("facet_mirror_lfs_served_bytes_total") - servedBefore).isEqualTo(total);
    }

    @Test
    @Order(2)
    void parallelDownloadsOfAnObjectTheMirrorLacksFetchItFromThePrimaryOnce() throws Exception {
        byte[] content = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(content);
        String oid = LfsHttp.oid(content);
        LfsHttp onPrimary = new LfsHttp(primary.baseUrl());
        String alice = LfsHttp.basic("alice", "alice-pass-1");
        assertThat(onPrimary.act(onPrimary.batch("LFS/assets", alice, "upload", oid, content.length), "upload",
                content).status()).isEqualTo(200);

        long fetchedBefore = mirror.metric("facet_mirror_lfs_fetched_bytes_total");
        LfsHttp onMirror = new LfsHttp(mirror.baseUrl());
        LfsHttp.Answer batch = onMirror.batch("LFS/assets", LfsHttp.basic("reader", "reader-pass-1"), "download", oid,
                content.length);
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        assertThat(batch.json().path("objects").path(0).path("actions").path("download").path("href").asText())
                .startsWith(mirror.baseUrl() + "/scm/LFS/assets.git/info/lfs/objects/");
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try {
            List<Future<LfsHttp.Answer>> downloads = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                downloads.add(clients.submit(() -> onMirror.act(batch, "download", null)));
            }
            for (Future<LfsHttp.Answer> download : downloads) {
                LfsHttp.Answer answer = download.get();
                assertThat(answer.status()).isEqualTo(200);
                assertThat(LfsHttp.oid(answer.raw().body())).isEqualTo(oid);
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(mirror.metric("facet_mirror_lfs_fetched_bytes_total") - fetchedBefore)
                .as("six downloads, one transfer from the primary").isEqualTo(content.length);
    }

    @Test
    @Order(3)
    void usersWithoutAccessAreTurnedAwayByTheMirror() throws Exception {
        String oid = pushedSha256.get("video.bin");
        LfsHttp onMirror = new LfsHttp(mirror.baseUrl());
        assertThat(onMirror.batch("LFS/assets", null, "download", oid, 1).status()).isEqualTo(401);
        assertThat(onMirror.batch("LFS/assets", LfsHttp.basic("reader", "wrong-password"), "download", oid, 1)
                .status()).isEqualTo(401);
        assertThat(onMirror.batch("LFS/assets", LfsHttp.basic("stranger", "stranger-pass-1"), "download", oid, 1)
                .status()).isEqualTo(404);
        // Nor do uploads and locks pass through for them, or for a reader.
        assertThat(onMirror.batch("LFS/assets", LfsHttp.basic("stranger", "stranger-pass-1"), "upload", oid, 1)
                .status()).isEqualTo(404);
        assertThat(onMirror.batch("LFS/assets", LfsHttp.basic("reader", "reader-pass-1"), "upload", oid, 1)
                .status()).isEqualTo(403);
        assertThat(onMirror.call("POST", "/scm/LFS/assets.git/info/lfs/locks", LfsHttp.basic("reader",
                "reader-pass-1"), RestClient.json("path", "video.bin").getBytes()).status()).isEqualTo(403);
        // A download token of one object opens no other, nor does a forged one.
        LfsHttp.Answer batch = onMirror.batch("LFS/assets", LfsHttp.basic("reader", "reader-pass-1"), "download", oid,
                BIG_FILE_BYTES + "video.bin".length());
        String header = batch.json().path("objects").path(0).path("actions").path("download").path("header")
                .path("Authorization").asText();
        String otherOid = pushedSha256.get("assets/one.bin");
        assertThat(onMirror.call("GET", "/scm/LFS/assets.git/info/lfs/objects/" + otherOid, header, null).status())
                .isEqualTo(403);
        assertThat(onMirror.call("GET", "/scm/LFS/assets.git/info/lfs/objects/" + oid,
                "FacetLfsTransfer forged.token", null).status()).isEqualTo(401);
    }

    @Test
    @Order(4)
    void anUploadThroughTheMirrorLandsOnThePrimaryAndAWrongOneIsStoredNowhere() throws Exception {
        GitClient alice = lfsClient(work.resolve("alice-home"));
        Path tree = alice.newWorkTree(work.resolve("alice-up"), "README.md");
        alice.run(tree, "lfs", "track", "*.bin").requireSuccess();
        byte[] content = new byte[1024 * 1024];
        new Random(3).nextBytes(content);
        Files.write(tree.resolve("through-mirror.bin"), content);
        alice.run(tree, "add", ".gitattributes", "through-mirror.bin").requireSuccess();
        alice.run(tree, "commit", "-q", "-m", "through the mirror").requireSuccess();
        GitClient.Result push = alice.run(tree, "push", mirror.gitUrl("alice", "alice-pass-1", "LFS", "uploads"),
                "main");
        assertThat(push.exitCode()).as(push.stderr()).isZero();
        JsonNode usage = TestPrimary.expect(200, primary.admin.get("/rest/api/1.0/projects/LFS/repos/uploads")).json()
                .path("lfs");
        assertThat(usage.path("objectCount").asLong()).isEqualTo(1);
        assertThat(usage.path("bytes").asLong()).isEqualTo(content.length);
        assertThat(lfsFiles(primary.home)).anyMatch(file -> file.getFileName().toString()
                .equals(LfsHttp.oid(content)));

        // Bytes that are not the object announced: the primary refuses them, the client sees its answer.
        byte[] claimed = new byte[4096];
        new Random(4).nextBytes(claimed);
        String claimedOid = LfsHttp.oid(claimed);
        LfsHttp onMirror = new LfsHttp(mirror.baseUrl());
        String aliceAuth = LfsHttp.basic("alice", "alice-pass-1");
        LfsHttp.Answer batch = onMirror.batch("LFS/uploads", aliceAuth, "upload", claimedOid, claimed.length);
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        assertThat(batch.json().path("objects").path(0).path("actions").path("upload").path("href").asText())
                .as("the client uploads through the mirror").startsWith(mirror.baseUrl() + "/scm/LFS/uploads.git/");
        byte[] other = claimed.clone();
        other[0] ^= 1;
        LfsHttp.Answer wrongHash = onMirror.act(batch, "upload", other);
        assertThat(wrongHash.status()).as(wrongHash.body()).isEqualTo(422);
        assertThat(wrongHash.json().path("message").asText()).contains("SHA-256");
        LfsHttp.Answer wrongSize = onMirror.act(batch, "upload", java.util.Arrays.copyOf(claimed, 100));
        assertThat(wrongSize.status()).as(wrongSize.body()).isEqualTo(422);
        for (Path root : List.of(primary.home, mirror.home)) {
            assertThat(lfsFiles(root)).noneMatch(file -> file.getFileName().toString().equals(claimedOid));
        }
        assertThat(onMirror.act(batch, "upload", claimed).status()).isEqualTo(200);
        assertThat(lfsFiles(primary.home)).anyMatch(file -> file.getFileName().toString().equals(claimedOid));
    }

    @Test
    @Order(5)
    void aLockTakenThroughTheMirrorBlocksAnotherUsersPushThroughTheMirror() throws Exception {
        String aliceUrl = mirror.gitUrl("alice", "alice-pass-1", "LFS", "locked");
        GitClient alice = lfsClient(work.resolve("alice-locks-home"));
        Path aliceTree = alice.newWorkTree(work.resolve("alice-locks"), "README.md");
        alice.run(aliceTree, "lfs", "track", "--lockable", "*.psd").requireSuccess();
        Files.write(aliceTree.resolve("cover.psd"), new byte[] {1, 2, 3});
        alice.run(aliceTree, "add", ".gitattributes", "cover.psd").requireSuccess();
        alice.run(aliceTree, "commit", "-q", "-m", "designs").requireSuccess();
        alice.run(aliceTree, "remote", "add", "origin", aliceUrl).requireSuccess();
        assertThat(alice.run(aliceTree, "push", "-q", "origin", "main").exitCode()).isZero();
        GitClient.Result locked = alice.run(aliceTree, "lfs", "lock", "cover.psd");
        assertThat(locked.exitCode()).as(locked.stderr()).isZero();
        // The lock is the primary's: it shows there.
        LfsHttp.Answer onPrimary = new LfsHttp(primary.baseUrl()).call("GET", "/scm/LFS/locked.git/info/lfs/locks",
                LfsHttp.basic("bob", "bob-pass-1"), null);
        assertThat(onPrimary.body()).contains("cover.psd").contains("alice");

        GitClient bob = lfsClient(work.resolve("bob-locks-home"));
        Path bobTree = work.resolve("bob-locks");
        bob.run(work, "clone", "-q", mirror.gitUrl("bob", "bob-pass-1", "LFS", "locked"), bobTree.toString())
                .requireSuccess();
        Files.write(bobTree.resolve("cover.psd"), new byte[] {9, 9, 9});
        bob.run(bobTree, "commit", "-q", "-am", "bob edits the locked cover").requireSuccess();
        GitClient.Result checked = bob.run(bobTree, "push", "origin", "main");
        assertThat(checked.exitCode()).isNotZero();
        assertThat(checked.stderr()).contains("cover.psd");
        GitClient.Result forced = bob.run(bobTree, "push", "--no-verify", "origin", "main");
        assertThat(forced.exitCode()).isNotZero();
        assertThat(forced.stderr()).contains("'cover.psd' is locked by alice");

        // Bob cannot release alice's lock through the mirror; alice can.
        assertThat(bob.run(bobTree, "lfs", "unlock", "cover.psd").exitCode()).isNotZero();
        alice.run(aliceTree, "lfs", "unlock", "cover.psd").requireSuccess();
        GitClient.Result unlocked = bob.run(bobTree, "push", "origin", "main");
        assertThat(unlocked.exitCode()).as(unlocked.stderr()).isZero();
    }

    @Test
    @Order(5)
    void aBatchNamingOneObjectTwiceWithTwoSizesDoesNotPoisonTheMirrorsRecord() throws Exception {
        byte[] content = new byte[70_000];
        new Random(1).nextBytes(content);
        String oid = LfsHttp.oid(content);
        LfsHttp onPrimary = new LfsHttp(primary.baseUrl());
        assertThat(onPrimary.act(onPrimary.batch("LFS/assets", LfsHttp.basic("alice", "alice-pass-1"), "upload", oid,
                content.length), "upload", content).status()).isEqualTo(200);

        LfsHttp onMirror = new LfsHttp(mirror.baseUrl());
        String reader = LfsHttp.basic("reader", "reader-pass-1");
        // The right size first, a wrong one after: the mirror must record the size the primary holds.
        byte[] twice = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(Map.of(
                "operation", "download", "transfers", List.of("basic"), "objects", List.of(
                        Map.of("oid", oid, "size", content.length), Map.of("oid", oid, "size", 1))));
        LfsHttp.Answer poisoning = onMirror.call("POST", "/scm/LFS/assets.git/info/lfs/objects/batch", reader, twice);
        assertThat(poisoning.status()).as(poisoning.body()).isEqualTo(200);
        assertThat(poisoning.json().path("objects").path(0).has("actions")).as(poisoning.body()).isTrue();
        assertThat(poisoning.json().path("objects").path(1).path("error").path("code").asInt()).isEqualTo(422);

        LfsHttp.Answer honest = onMirror.batch("LFS/assets", LfsHttp.basic("bob", "bob-pass-1"), "download", oid,
                content.length);
        assertThat(honest.status()).as(honest.body()).isEqualTo(200);
        assertThat(honest.json().path("objects").path(0).has("actions")).as(honest.body()).isTrue();
        LfsHttp.Answer bytes = onMirror.act(honest, "download", null);
        assertThat(bytes.status()).isEqualTo(200);
        assertThat(bytes.raw().body()).isEqualTo(content);
    }

    @Test
    @Order(5)
    void lfsPathsWithEscapedSpacesOrQuestionMarksAreRefusedByTheMirrorNotPassedOn() throws Exception {
        LfsHttp onMirror = new LfsHttp(mirror.baseUrl());
        String alice = LfsHttp.basic("alice", "alice-pass-1");
        String lfs = "/scm/LFS/assets.git/info/lfs";
        for (String path : List.of(lfs + "/objects/ab%20cd", lfs + "/objects/" + "a".repeat(64) + "%3Fx=1",
                lfs + "/objects/" + "A".repeat(64))) {
            LfsHttp.Answer put = onMirror.call("PUT", path, alice, new byte[] {1});
            assertThat(put.status()).as(path + ": " + put.body()).isEqualTo(404);
            assertThat(put.json().path("message").asText()).as(path).contains("No such Git LFS endpoint");
        }
        for (String path : List.of(lfs + "/locks/1%20x/unlock", lfs + "/locks/1%3F/unlock")) {
            LfsHttp.Answer unlock = onMirror.call("POST", path, alice, "{}".getBytes());
            assertThat(unlock.status()).as(path + ": " + unlock.body()).isEqualTo(404);
        }
    }

    @Test
    @Order(6)
    void withThePrimaryStoppedTheMirrorServesWhatItHoldsAndSaysWhyNotTheRest() throws Exception {
        // The reader was let in within the offline window by the clones above; make sure of it now.
        GitClient reader = lfsClient(work.resolve("reader-offline-home"));
        reader.lsRemote(work, mirror.gitUrl("reader", "reader-pass-1", "LFS", "assets"));
        byte[] unfetched = new byte[2048];
        new Random(11).nextBytes(unfetched);
        String unfetchedOid = LfsHttp.oid(unfetched);
        LfsHttp onPrimaryApi = new LfsHttp(primary.baseUrl());
        assertThat(onPrimaryApi.act(onPrimaryApi.batch("LFS/assets", LfsHttp.basic("alice", "alice-pass-1"), "upload",
                unfetchedOid, unfetched.length), "upload", unfetched).status()).isEqualTo(200);

        primary.close();
        Path clone = work.resolve("offline-clone");
        GitClient.Result cloned = reader.run(work, "clone", "-q",
                mirror.gitUrl("reader", "reader-pass-1", "LFS", "assets"), clone.toString());
        assertThat(cloned.exitCode()).as(cloned.stderr()).isZero();
        for (String file : BIG_FILES) {
            assertThat(GitLfsTest.sha256(clone.resolve(file))).as(file).isEqualTo(pushedSha256.get(file));
        }
        // An object the mirror never fetched cannot come from a primary that does not answer: said so, per object.
        LfsHttp onMirror = new LfsHttp(mirror.baseUrl());
        LfsHttp.Answer batch = onMirror.batch("LFS/assets", LfsHttp.basic("reader", "reader-pass-1"), "download",
                unfetchedOid, unfetched.length);
        assertThat(batch.status()).as(batch.body()).isEqualTo(200);
        JsonNode error = batch.json().path("objects").path(0).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(503);
        assertThat(error.path("message").asText()).contains("cannot reach its primary");
        // Uploads and locks need the primary: a clear 503, not a server error.
        LfsHttp.Answer lock = onMirror.call("POST", "/scm/LFS/assets.git/info/lfs/locks",
                LfsHttp.basic("alice", "alice-pass-1"), RestClient.json("path", "video.bin").getBytes());
        assertThat(lock.status()).as(lock.body()).isEqualTo(503);
        assertThat(lock.json().path("message").asText()).contains("primary");
    }

    /** The Git LFS object files in an instance's home. */
    static List<Path> lfsFiles(Path instanceHome) throws IOException {
        Path objects = instanceHome.resolve("data/lfs/objects");
        if (!Files.isDirectory(objects)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(objects)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
