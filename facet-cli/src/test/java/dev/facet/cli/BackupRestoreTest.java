package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.facet.core.file.Directories;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code facet backup} of running instances and {@code facet restore}: a lost home comes back in one step. */
class BackupRestoreTest {
    @TempDir
    Path work;

    @Test
    void mirrorBackedUpWhileRunningComesBackInstalledAfterItsHomeIsLostAndServesWhatWasPushedMeanwhile()
            throws IOException {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("BAK");
            primary.createRepository("BAK", "kept", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "BAK", "kept");
            Path source = git.newWorkTree(work.resolve("source"), "a.txt");
            git.run(source, "push", "-q", url, "main").requireSuccess();

            Path mirrorHome = work.resolve("mirror");
            Path backup = work.resolve("mirror-backup.zip");
            String mirrorId;
            try (TestMirror mirror = TestMirror.startAuthorized(mirrorHome, primary)) {
                mirrorId = mirror.instance.instanceId();
                FacetRun run = FacetRun.of("backup", "--home", mirrorHome.toString(), "--to", backup.toString());
                assertThat(run.exit()).as(run.out()).isZero();
                assertThat(run.out()).contains("is running; it writes the backup itself")
                        .contains("Backup written: " + backup).contains("1 repositories, database included");
            }

            Directories.deleteTree(mirrorHome);
            git.commitFile(source, "while-gone.txt", "pushed while the mirror's home was lost\n");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            String head = git.run(source, "rev-parse", "HEAD").requireSuccess().stdout().strip();

            FacetRun restore = FacetRun.of("restore", "--from", backup.toString(), "--home", mirrorHome.toString());
            assertThat(restore.exit()).as(restore.out()).isZero();
            assertThat(restore.out()).contains("Restored 1 repositories into " + mirrorHome);
            for (Path secret : java.util.List.of(mirrorHome.resolve("keys").resolve("instance.jwk"),
                    mirrorHome.resolve("data").resolve("db").resolve("facet.mv.db"))) {
                assertThat(Files.getPosixFilePermissions(secret)).as(secret.toString())
                        .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            }

            try (TestMirror restored = TestMirror.start(mirrorHome, primary, Map.of())) {
                assertThat(restored.instance.instanceId()).isEqualTo(mirrorId);
                restored.awaitState("SYNCHRONIZED");
                assertThat(restored.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("state")
                        .asText()).isEqualTo("INSTALLED");
                assertThat(git.lsRemote(work, restored.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "BAK", "kept")))
                        .contains(head + "\trefs/heads/main");
                JsonNode requests = primary.admin.get("/rest/mirroring/latest/requests").json().path("values");
                assertThat(requests).as("no new authorization request").hasSize(1);
            }
        }
    }

    @Test
    void primaryBackedUpWhileRunningRestoresToTheSameRepositoriesUsersAndIdentity() throws IOException {
        Path backup = work.resolve("primary-backup.zip");
        String instanceId;
        java.util.List<String> advertised;
        GitClient git = new GitClient(work.resolve("git-home"));
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            instanceId = primary.instance.instanceId();
            primary.createProject("BAK");
            primary.createRepository("BAK", "code", false);
            primary.createUser("alice", "alice-secret-1");
            primary.grantProject("BAK", "alice", "PROJECT_READ");
            Path source = git.newWorkTree(work.resolve("source"), "a.txt");
            String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "BAK", "code");
            git.run(source, "push", "-q", url, "main").requireSuccess();
            git.run(source, "tag", "-a", "-m", "first release", "v1").requireSuccess();
            git.run(source, "push", "-q", url, "v1").requireSuccess();
            advertised = git.lsRemote(work, url);

            FacetRun run = FacetRun.of("backup", "--home", primary.home.toString(), "--to", backup.toString());
            assertThat(run.exit()).as(run.out()).isZero();
            FacetRun again = FacetRun.of("backup", "--home", primary.home.toString(), "--to", backup.toString());
            assertThat(again.exit()).isEqualTo(2);
            assertThat(again.out()).contains(backup + " exists already");
            try (var lockFile = java.nio.channels.FileChannel.open(primary.home.resolve("data/backup.lock"),
                    java.nio.file.StandardOpenOption.WRITE); var held = lockFile.lock()) {
                FacetRun concurrent = FacetRun.of("backup", "--home", primary.home.toString(), "--to",
                        work.resolve("second.zip").toString());
                assertThat(concurrent.exit()).isEqualTo(2);
                assertThat(concurrent.out()).contains("Another backup of").contains("is running");
                assertThat(work.resolve("second.zip")).doesNotExist();
            }
        }

        Path restoredHome = work.resolve("restored");
        assertThat(FacetRun.of("restore", "--from", backup.toString(), "--home", restoredHome.toString()).exit())
                .isZero();
        try (TestPrimary restored = TestPrimary.start(restoredHome)) {
            assertThat(restored.instance.instanceId()).isEqualTo(instanceId);
            String url = restored.gitUrl("alice", "alice-secret-1", "BAK", "code");
            assertThat(git.lsRemote(work, url)).isEqualTo(advertised);
            Path clone = work.resolve("clone");
            git.run(work, "clone", "-q", url, clone.toString()).requireSuccess();
            git.run(clone, "fsck", "--strict").requireSuccess();
        }
    }

    @Test
    void aFarmNodesBackupKeepsTheFarmIdSoThatTheRestoredNodeRejoinsItsOwnFarm() throws IOException {
        Path nodeHome = work.resolve("node");
        try (TestMirror stopped = TestMirror.start(nodeHome, "http://127.0.0.1:9", Map.of())) {
            assertThat(stopped.instance.instanceId()).isNotEmpty();
        }
        Files.writeString(nodeHome.resolve(dev.facet.farm.FarmId.FILE), "3f0c0b44-5d1e-4a59-9d7e-1f6f0c2f5a10\n");
        Path backup = work.resolve("node-backup.zip");
        FacetRun run = FacetRun.of("backup", "--home", nodeHome.toString(), "--to", backup.toString());
        assertThat(run.exit()).as(run.out()).isZero();

        Path restored = work.resolve("restored");
        FacetRun restore = FacetRun.of("restore", "--from", backup.toString(), "--home", restored.toString());
        assertThat(restore.exit()).as(restore.out()).isZero();
        assertThat(restored.resolve(dev.facet.farm.FarmId.FILE)).hasContent("3f0c0b44-5d1e-4a59-9d7e-1f6f0c2f5a10");
    }

    @Test
    void restoreRefusesWhatWouldLoseDataOrIsNotABackup() throws IOException {
        Path notZip = Files.writeString(work.resolve("notes.txt"), "not a backup\n");
        FacetRun notABackup = FacetRun.of("restore", "--from", notZip.toString(), "--home", work.resolve("a").toString());
        assertThat(notABackup.exit()).isEqualTo(2);
        assertThat(notABackup.out()).contains("is not a Facet backup").doesNotContain("Exception");

        Path escaping = zip(work.resolve("escaping.zip"), Map.of(HomeBackup.MANIFEST, "format=1\nrole=primary\n",
                "home/../../outside.txt", "written outside the home\n"));
        Path target = work.resolve("target");
        FacetRun slip = FacetRun.of("restore", "--from", escaping.toString(), "--home", target.toString());
        assertThat(slip.exit()).isEqualTo(2);
        assertThat(slip.out()).contains("outside the home");
        assertThat(work.getParent().resolve("outside.txt")).doesNotExist();
        assertThat(target).doesNotExist();

        Path valid = zip(work.resolve("valid.zip"), Map.of(HomeBackup.MANIFEST,
                "format=1\nrole=primary\ndatabase=h2\nrepositories=0\n", "home/role", "primary\n"));
        Path occupied = Files.createDirectories(work.resolve("occupied"));
        Path precious = Files.writeString(occupied.resolve("precious.txt"), "keep me\n");
        FacetRun refused = FacetRun.of("restore", "--from", valid.toString(), "--home", occupied.toString());
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.out()).contains("is not empty").contains("--force");
        assertThat(precious).hasContent("keep me");

        FacetRun forced = FacetRun.of("restore", "--from", valid.toString(), "--home", occupied.toString(), "--force");
        assertThat(forced.exit()).as(forced.out()).isZero();
        assertThat(occupied.resolve("role")).hasContent("primary");
        try (var siblings = Files.list(work)) {
            Path aside = siblings.filter(p -> p.getFileName().toString().startsWith("occupied.before-restore-"))
                    .findFirst().orElseThrow();
            assertThat(aside.resolve("precious.txt")).hasContent("keep me");
            assertThat(forced.out()).contains(aside.toString());
        }
    }

    /** A zip file with these entries, written as a hand-made (or tampered) backup would be. */
    private static Path zip(Path file, Map<String, String> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        return file;
    }
}
