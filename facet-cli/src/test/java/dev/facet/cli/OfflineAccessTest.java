package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mirror's offline policy: while the primary cannot answer, users it let in recently keep
 * read access for the offline window; nobody new gets in, nobody writes, and the window ends.
 */
class OfflineAccessTest {
    @TempDir
    Path work;

    private static double offlineGrants(TestMirror mirror) {
        return mirror.anonymous.get("/metrics").body().lines()
                .filter(line -> line.startsWith("facet_mirror_auth_offline_grants_total "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1))).sum();
    }

    @Test
    void recentUsersKeepReadingWhileThePrimaryIsDownUntilTheWindowEndsAndNobodyNewGetsIn() {
        GitClient git = new GitClient(work.resolve("git-home"));
        TestPrimary primary = TestPrimary.start(work.resolve("primary"));
        try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary,
                Map.of(RawSettings.AUTH_CACHE_SECONDS, "1", RawSettings.OFFLINE_ACCESS_SECONDS, "20"))) {
            primary.createProject("OFF");
            primary.createRepository("OFF", "notes", false);
            primary.createUser("alice", "alice-secret-1");
            primary.createUser("bob", "bob-secret-1");
            primary.grantProject("OFF", "alice", "PROJECT_WRITE");
            primary.grantProject("OFF", "bob", "PROJECT_READ");
            Path source = git.newWorkTree(work.resolve("source"), "a.txt");
            git.run(source, "push", "-q", primary.gitUrl("alice", "alice-secret-1", "OFF", "notes"), "main")
                    .requireSuccess();
            String aliceOnMirror = mirror.gitUrl("alice", "alice-secret-1", "OFF", "notes");
            await().atMost(Duration.ofSeconds(15)).until(() -> git.run(work, "ls-remote", aliceOnMirror).exitCode() == 0);

            primary.close();
            assertThat(git.lsRemote(work, aliceOnMirror)).anyMatch(line -> line.endsWith("refs/heads/main"));
            // The credential cache lasts 1 s: once it is past, alice's reads are the offline policy's.
            await().atMost(Duration.ofSeconds(10)).until(() -> git.run(work, "ls-remote", aliceOnMirror).exitCode() == 0
                    && offlineGrants(mirror) > 0);

            GitClient.Result bob = git.run(work, "ls-remote", mirror.gitUrl("bob", "bob-secret-1", "OFF", "notes"));
            assertThat(bob.exitCode()).isNotZero();
            assertThat(bob.stderr()).contains("503");

            git.commitFile(source, "offline.txt", "written while the primary is down\n");
            GitClient.Result push = git.run(source, "push", "-q", aliceOnMirror, "main");
            assertThat(push.exitCode()).as("no write while the primary is down").isNotZero();

            await().atMost(Duration.ofSeconds(40)).until(() -> git.run(work, "ls-remote", aliceOnMirror).exitCode() != 0);
            assertThat(git.run(work, "ls-remote", aliceOnMirror).stderr()).contains("503");
        } finally {
            primary.close();
        }
    }
}
