package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A home holds password hashes, private repositories and keys: nothing in it may be read by
 * another account on the machine, whatever the umask the instance was started with.
 */
class OwnerOnlyHomeTest {
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    @TempDir
    Path work;

    /** Every path under {@code home}, itself included, that group or others may use, with its mode. */
    static List<String> loosePaths(Path home) throws IOException {
        try (Stream<Path> paths = Files.walk(home)) {
            return paths.filter(path -> !Files.isSymbolicLink(path)).map(path -> {
                try {
                    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
                    return mode.stream().anyMatch(GROUP_AND_OTHERS::contains)
                            ? path + " " + PosixFilePermissions.toString(mode) : null;
                } catch (IOException gone) {
                    return null;
                }
            }).filter(java.util.Objects::nonNull).toList();
        }
    }

    @Test
    void nothingAPrimaryOrAMirrorWritesInItsHomeIsReadableByOthersAndDoctorNamesALooseFile() throws IOException {
        Path primaryHome = Files.createDirectories(work.resolve("primary"));
        // An administrator made the home with a loose umask before the first start.
        Files.setPosixFilePermissions(primaryHome, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path mirrorHome = work.resolve("mirror");
        try (TestPrimary primary = TestPrimary.start(primaryHome)) {
            primary.createProject("OWN");
            primary.createRepository("OWN", "private", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            Path source = git.newWorkTree(work.resolve("source"), "a.txt", "b.txt");
            git.run(source, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "OWN", "private"), "main")
                    .requireSuccess();
            try (TestMirror mirror = TestMirror.startAuthorized(mirrorHome, primary)) {
                git.commitFile(source, "c.txt", "synced\n");
                git.run(source, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "OWN", "private"),
                        "main").requireSuccess();
                String head = git.run(source, "rev-parse", "HEAD").stdout().strip();
                await().atMost(Duration.ofSeconds(20)).until(() -> git.lsRemote(work, mirror.gitUrl("admin",
                        TestPrimary.ADMIN_PASSWORD, "OWN", "private")).stream().anyMatch(line -> line.startsWith(head)));

                assertThat(loosePaths(primaryHome)).as("loose paths in the primary's home").isEmpty();
                assertThat(loosePaths(mirrorHome)).as("loose paths in the mirror's home").isEmpty();
                assertThat(primaryHome.resolve("data/repositories/1/objects")).isDirectory();

                Path database = primaryHome.resolve("data/db/facet.mv.db");
                Files.setPosixFilePermissions(database, PosixFilePermissions.fromString("rw-r--r--"));
                FacetRun doctor = FacetRun.of("doctor", "--home", primaryHome.toString());
                assertThat(doctor.exit()).isNotZero();
                assertThat(doctor.out()).contains(database + " (rw-r--r--)").contains("chmod -R go-rwx " + primaryHome);
            }
        }
    }
}
