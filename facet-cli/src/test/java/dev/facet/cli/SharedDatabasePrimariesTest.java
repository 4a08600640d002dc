package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.facet.store.DatabaseSettings;
import dev.facet.store.PostgresEventSignal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two primary processes on one PostgreSQL database and one repository store: a mirror long-polling the second
 * hears a push made through the first at once, not when its long-poll times out, also when the push comes while
 * the database server has just cut both listening connections (reopened, they wake their readers once).
 */
class SharedDatabasePrimariesTest {
    /** Far below the mirror's 25 s long-poll, with room for a fetch on a loaded machine. */
    private static final Duration WELL_BEFORE_THE_LONG_POLL_ENDS = Duration.ofSeconds(8);
    /** Well under the 5 s a ref advertisement is kept without news of a change. */
    private static final Duration ADVERTISED_AT_ONCE = Duration.ofMillis(1500);
    private static final String PASSWORD = TestPrimary.ADMIN_PASSWORD;

    @TempDir
    Path work;

    @Test
    void mirrorFollowingOnePrimaryProcessHearsAPushMadeThroughAnotherAtOnce() throws Exception {
        // Neither the primaries' rolling verification nor the mirror's reconciliation may bring the push along.
        Map<String, String> noVerification = Map.of(RawSettings.environmentName(RawSettings.REFS_VERIFY_SECONDS), "3600");
        try (EventOutboxTest.PostgresDatabase database = EventOutboxTest.PostgresDatabase.create();
             TestPrimary first = TestPrimary.start(work.resolve("first"), database.settings(), noVerification)) {
            Path secondHome = Files.createDirectories(work.resolve("second"));
            Files.createSymbolicLink(secondHome.resolve("data"), first.home.resolve("data"));
            try (TestPrimary second = TestPrimary.start(secondHome, database.settings(), noVerification)) {
                first.createProject("TWO");
                first.createRepository("TWO", "Shared", true);
                GitClient git = new GitClient(work.resolve("git-home"));
                Path source = git.newWorkTree(work.resolve("source"), "a.txt");
                String pushUrl = first.gitUrl("admin", PASSWORD, "TWO", "shared");
                git.run(source, "push", "-q", pushUrl, "main").requireSuccess();

                try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), second,
                        Map.of(RawSettings.RECONCILE_SECONDS, "3600"))) {
                    String mirrorUrl = mirror.anonymousGitUrl("TWO", "shared");
                    await().atMost(Duration.ofSeconds(60)).until(() -> mirrorShows(git, mirrorUrl, head(git, source)));

                    assertThat(pushReachesMirror(git, source, pushUrl, mirrorUrl, "b.txt"))
                            .isLessThan(WELL_BEFORE_THE_LONG_POLL_ENDS);

                    assertThat(terminateListeners(database.settings())).as("both primaries' listening connections")
                            .isEqualTo(2);

                    assertThat(pushReachesMirror(git, source, pushUrl, mirrorUrl, "c.txt"))
                            .as("after the listening connections were cut and opened again")
                            .isLessThan(WELL_BEFORE_THE_LONG_POLL_ENDS);

                    // The other process advertises a push at once, though it had just read (and cached) the refs
                    // before it: JGit cannot tell it of another process's writes, the push's event does.
                    String secondUrl = second.gitUrl("admin", PASSWORD, "TWO", "shared");
                    git.lsRemote(work, secondUrl);
                    git.lsRemote(work, secondUrl);
                    git.commitFile(source, "d.txt", "d.txt\n");
                    git.run(source, "push", "-q", pushUrl, "main").requireSuccess();
                    String pushed = head(git, source);
                    await().atMost(ADVERTISED_AT_ONCE).pollInterval(Duration.ofMillis(50))
                            .until(() -> git.lsRemote(work, secondUrl).contains(pushed + "\trefs/heads/main"));
                }
            }
        }
    }

    /** Pushes a new commit through {@code pushUrl} and answers how long the mirror took to serve it. */
    private Duration pushReachesMirror(GitClient git, Path source, String pushUrl, String mirrorUrl, String file) {
        git.commitFile(source, file, file + "\n");
        git.run(source, "push", "-q", pushUrl, "main").requireSuccess();
        String pushed = head(git, source);
        long start = System.nanoTime();
        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(100))
                .until(() -> mirrorShows(git, mirrorUrl, pushed));
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private boolean mirrorShows(GitClient git, String mirrorUrl, String commit) {
        return git.lsRemote(work, mirrorUrl).contains(commit + "\trefs/heads/main");
    }

    private static String head(GitClient git, Path source) {
        return git.run(source, "rev-parse", "HEAD").requireSuccess().stdout().strip();
    }

    /** Cuts every listening connection on the database, as an administrator or a failover would; returns how many. */
    private static int terminateListeners(DatabaseSettings database) throws SQLException {
        try (Connection connection = DriverManager.getConnection(database.url(), database.user(), database.password());
             var statement = connection.prepareStatement("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     + "WHERE datname = current_database() AND application_name = ?")) {
            statement.setString(1, PostgresEventSignal.APPLICATION_NAME);
            int terminated = 0;
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    terminated += rows.getBoolean(1) ? 1 : 0;
                }
            }
            return terminated;
        }
    }
}
