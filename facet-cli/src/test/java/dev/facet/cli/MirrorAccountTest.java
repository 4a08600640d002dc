package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mirror stops letting in a user the primary disabled well before its cached verdict would run out. */
class MirrorAccountTest {
    @TempDir
    Path work;

    @Test
    void aUserDisabledOnThePrimaryIsRefusedByTheMirrorWithinSeconds() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
            primary.createProject("MAC");
            primary.createRepository("MAC", "repo", false);
            primary.createUser("mona", "mona-secret-1");
            primary.grantProject("MAC", "mona", "PROJECT_READ");
            GitClient git = new GitClient(work.resolve("git-home"));
            Path source = git.newWorkTree(work.resolve("source"), "a.txt");
            git.run(source, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "MAC", "repo"), "main")
                    .requireSuccess();
            String throughMirror = mirror.gitUrl("mona", "mona-secret-1", "MAC", "repo");
            await().atMost(Duration.ofSeconds(30)).until(() -> git.run(work, "ls-remote", throughMirror).exitCode() == 0);

            TestPrimary.expect(200, primary.admin.put("/rest/api/1.0/admin/users",
                    RestClient.json("name", "mona", "active", false)));

            AtomicInteger attempts = new AtomicInteger();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        attempts.incrementAndGet();
                        return git.run(work, "ls-remote", throughMirror).exitCode() != 0;
                    });
            assertThat(MirrorSettings.DEFAULT_AUTH_CACHE).as("refused sooner than the cache would expire")
                    .isGreaterThan(Duration.ofSeconds(10));
        }
    }
}
