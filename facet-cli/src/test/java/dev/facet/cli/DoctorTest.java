package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code facet doctor} on a stopped mirror's home: exit 0 when healthy, each finding with its fix otherwise. */
class DoctorTest {
    @TempDir
    Path work;

    private static FacetRun doctor(Path home) {
        return FacetRun.of("doctor", "--home", home.toString());
    }

    @Test
    void findsEachProblemOfAStoppedMirrorAndSaysHowToFixIt() throws IOException {
        Path mirrorHome = work.resolve("mirror");
        TestPrimary primary = TestPrimary.start(work.resolve("primary"));
        String primaryUrl = primary.baseUrl();
        try {
            primary.createProject("DOC");
            primary.createRepository("DOC", "checked", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            Path source = git.newWorkTree(work.resolve("source"), "a.txt", "b.txt");
            git.run(source, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "DOC", "checked"), "main")
                    .requireSuccess();
            String mirrorId;
            try (TestMirror mirror = TestMirror.startAuthorized(mirrorHome, primary)) {
                mirrorId = mirror.instance.instanceId();
            }

            FacetRun healthy = doctor(mirrorHome);
            assertThat(healthy.exit()).as(healthy.out()).isZero();
            assertThat(healthy.out()).contains("Healthy");

            try (Repository onDisk = new FileRepositoryBuilder()
                    .setGitDir(mirrorHome.resolve("data/repositories/1").toFile()).setMustExist(true).build()) {
                RefUpdate update = onDisk.updateRef("refs/heads/only-here");
                update.setNewObjectId(ObjectId.fromString(git.run(source, "rev-parse", "HEAD~1").stdout().strip()));
                update.update();
            }
            Files.setPosixFilePermissions(mirrorHome.resolve("keys/instance.jwk"), PosixFilePermissions.fromString("rw-r--r--"));
            FacetRun problems = doctor(mirrorHome);
            assertThat(problems.exit()).isNotZero();
            assertThat(problems.out()).contains("DOC/checked differs from the upstream").contains("chmod 600")
                    .contains("fix:");
            Files.setPosixFilePermissions(mirrorHome.resolve("keys/instance.jwk"), PosixFilePermissions.fromString("rw-------"));

            TestPrimary.expect(200, primary.admin.delete("/rest/mirroring/latest/mirrorServers/" + mirrorId));
            try (TestMirror again = TestMirror.start(mirrorHome, primary, java.util.Map.of())) {
                await().atMost(Duration.ofSeconds(15)).until(() -> "REMOVED".equals(again.anonymous
                        .get("/rest/mirroring/latest/upstreamServer").json().path("state").asText()));
            }
            FacetRun removed = doctor(mirrorHome);
            assertThat(removed.exit()).isNotZero();
            assertThat(removed.out()).contains("removed this mirror").contains("restore");
        } finally {
            primary.close();
        }

        FacetRun down = doctor(mirrorHome);
        assertThat(down.exit()).isNotZero();
        assertThat(down.out()).contains("cannot be reached").contains(primaryUrl);
    }
}
