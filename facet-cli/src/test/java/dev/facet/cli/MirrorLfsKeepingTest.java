package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.core.file.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a mirror keeps of Git LFS without a client asking: the objects {@code facet.mirror.lfs-prefetch} fetches
 * after a sync (none, those at the tips, those of the whole history), its backup and restore carrying them, and
 * its doctor naming one that was damaged on its disk. A real primary, three real mirrors, the real git-lfs client.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MirrorLfsKeepingTest {
    private static final String FETCHED = "facet_mirror_lfs_fetched_bytes_total";
    private static final String SERVED = "facet_mirror_lfs_served_bytes_total";

    @TempDir
    static Path home;
    @TempDir
    Path work;
    static TestPrimary primary;
    static TestMirror none;
    static TestMirror recent;
    static TestMirror all;
    /** Pushed in the first commit and deleted in the second: only the history names it. */
    static byte[] replaced;
    /** At the tip of main. */
    static byte[] current;
    static String head;

    @BeforeAll
    static void aPrimaryAndAMirrorForEachPrefetchPolicy() {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createProject("KEEP");
        primary.createRepository("KEEP", "assets", false);
        primary.createUser("reader", "reader-pass-1");
        primary.grantProject("KEEP", "reader", "PROJECT_READ");
        none = TestMirror.startAuthorized(home.resolve("none"), primary, Map.of(RawSettings.LFS_PREFETCH, "none"));
        recent = TestMirror.startAuthorized(home.resolve("recent"), primary,
                Map.of(RawSettings.LFS_PREFETCH, "recent"));
        all = TestMirror.startAuthorized(home.resolve("all"), primary, Map.of(RawSettings.LFS_PREFETCH, "all"));
    }

    @AfterAll
    static void stopAll() {
        for (TestMirror mirror : new TestMirror[] {none, recent, all}) {
            if (mirror != null) {
                mirror.close();
            }
        }
        primary.close();
    }

    @Test
    @Order(1)
    void afterASyncEachPolicyHoldsItsObjectsWithoutADownloadAndNoneHoldsNothing() throws Exception {
        GitClient admin = MirrorLfsTest.lfsClient(home.resolve("admin-home"));
        Path tree = admin.newWorkTree(home.resolve("admin"), "README.md");
        admin.run(tree, "lfs", "track", "*.bin").requireSuccess();
        replaced = randomBytes(1, 300_000);
        current = randomBytes(2, 200_000);
        Files.write(tree.resolve("old.bin"), replaced);
        admin.run(tree, "add", ".gitattributes", "old.bin").requireSuccess();
        admin.run(tree, "commit", "-q", "-m", "the first design").requireSuccess();
        Files.delete(tree.resolve("old.bin"));
        Files.write(tree.resolve("new.bin"), current);
        admin.run(tree, "add", "-A").requireSuccess();
        admin.run(tree, "commit", "-q", "-m", "the second design replaces the first").requireSuccess();
        admin.run(tree, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "KEEP", "assets"), "main")
                .requireSuccess();
        head = admin.run(tree, "rev-parse", "HEAD").requireSuccess().stdout().strip();

        await().atMost(Duration.ofSeconds(60)).until(() -> holds(all, replaced) && holds(all, current));
        await().atMost(Duration.ofSeconds(60)).until(() -> holds(recent, current));
        assertThat(recent.metric(FETCHED)).isEqualTo(current.length);
        assertThat(all.metric(FETCHED)).isEqualTo(replaced.length + current.length);
        assertThat(holds(recent, replaced)).as("only the history names it").isFalse();

        // The mirror without prefetch synced the same push, and fetched nothing for it.
        await().atMost(Duration.ofSeconds(60)).until(() -> new GitClient(home.resolve("reader-home")).lsRemote(home,
                none.gitUrl("reader", "reader-pass-1", "KEEP", "assets")).contains(head + "\trefs/heads/main"));
        assertThat(MirrorLfsTest.lfsFiles(none.home)).isEmpty();
        assertThat(none.metric(FETCHED)).isZero();
        for (TestMirror mirror : new TestMirror[] {none, recent, all}) {
            assertThat(mirror.metric(SERVED)).as("no client downloaded anything").isZero();
        }
    }

    @Test
    @Order(2)
    void aMirrorsBackupCarriesItsObjectsAndTheRestoredMirrorServesThemWithoutFetchingAgain() throws Exception {
        Path backup = work.resolve("all.zip");
        FacetRun run = FacetRun.of("backup", "--home", all.home.toString(), "--to", backup.toString());
        assertThat(run.exit()).as(run.out()).isZero();
        all.close();
        Directories.deleteTree(all.home);

        FacetRun restore = FacetRun.of("restore", "--from", backup.toString(), "--home", all.home.toString());
        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(holds(all.home, replaced) && holds(all.home, current)).as("restored with the home").isTrue();
        all = TestMirror.start(all.home, primary, Map.of(RawSettings.LFS_PREFETCH, "all"));
        all.awaitState("SYNCHRONIZED");

        GitClient reader = MirrorLfsTest.lfsClient(work.resolve("reader-home"));
        Path clone = work.resolve("clone");
        GitClient.Result cloned = reader.run(work, "clone", "-q",
                all.gitUrl("reader", "reader-pass-1", "KEEP", "assets"), clone.toString());
        assertThat(cloned.exitCode()).as(cloned.stderr()).isZero();
        assertThat(Files.readAllBytes(clone.resolve("new.bin"))).isEqualTo(current);
        reader.run(clone, "checkout", "-q", "HEAD~1").requireSuccess();
        assertThat(Files.readAllBytes(clone.resolve("old.bin"))).isEqualTo(replaced);
        assertThat(all.metric(SERVED)).isEqualTo(replaced.length + current.length);
        assertThat(all.metric(FETCHED)).as("both came from the backup, not the primary").isZero();
    }

    @Test
    @Order(3)
    void theMirrorsDoctorNamesAnObjectDamagedOnItsDiskWithTheFix() throws Exception {
        FacetRun healthy = FacetRun.of("doctor", "--home", recent.home.toString());
        assertThat(healthy.exit()).as(healthy.out()).isZero();
        String oid = LfsHttp.oid(current);
        Path file = objectFile(recent.home, current);
        byte[] damaged = current.clone();
        damaged[damaged.length / 2] ^= 1;
        Files.write(file, damaged);

        FacetRun corrupt = FacetRun.of("doctor", "--home", recent.home.toString());
        assertThat(corrupt.exit()).isNotZero();
        assertThat(corrupt.out()).contains("LFS object " + oid + " is corrupt")
                .contains("Delete that file: the mirror fetches the object again");
        Files.write(file, new byte[] {1, 2, 3});
        FacetRun truncated = FacetRun.of("doctor", "--home", recent.home.toString());
        assertThat(truncated.exit()).isNotZero();
        assertThat(truncated.out()).contains("LFS object " + oid + " has 3 bytes instead of " + current.length);

        // An object it never fetched is no finding: it comes on the first download.
        Files.delete(file);
        FacetRun deleted = FacetRun.of("doctor", "--home", recent.home.toString());
        assertThat(deleted.exit()).as(deleted.out()).isZero();
    }

    private static byte[] randomBytes(long seed, int size) {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        return content;
    }

    private static Path objectFile(Path instanceHome, byte[] content) {
        String oid = LfsHttp.oid(content);
        return instanceHome.resolve("data/lfs/objects").resolve(oid.substring(0, 2)).resolve(oid.substring(2, 4))
                .resolve(oid);
    }

    private static boolean holds(Path instanceHome, byte[] content) throws Exception {
        Path file = objectFile(instanceHome, content);
        return Files.isRegularFile(file) && Files.size(file) == content.length
                && LfsHttp.oid(Files.readAllBytes(file)).equals(LfsHttp.oid(content));
    }

    private static boolean holds(TestMirror mirror, byte[] content) throws Exception {
        return holds(mirror.home, content);
    }
}
