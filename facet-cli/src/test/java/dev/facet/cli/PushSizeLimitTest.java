package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.AuditEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A push larger than facet.git.max-push-bytes is refused with a clear error, on the primary and through a mirror. */
class PushSizeLimitTest {
    private static final int LIMIT = 256 * 1024;

    @TempDir
    Path work;

    /** A file git cannot compress, so that its pack is about as large as the file. */
    private static void writeNoise(Path file, int bytes) throws IOException {
        byte[] noise = new byte[bytes];
        new Random(bytes).nextBytes(noise);
        Files.write(file, noise);
    }

    @Test
    void aPushLargerThanTheLimitIsRefusedAndASmallerOneIsKeptAndAudited() throws IOException {
        Map<String, String> limit = Map.of("FACET_GIT_MAX_PUSH_BYTES", Integer.toString(LIMIT));
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null, limit)) {
            primary.createProject("BIG");
            primary.createRepository("BIG", "repo", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "BIG", "repo");
            Path source = git.newWorkTree(work.resolve("source"), "small.txt");
            git.run(source, "push", "-q", url, "main").requireSuccess();

            writeNoise(source.resolve("large.bin"), 2 * LIMIT);
            git.run(source, "add", "large.bin").requireSuccess();
            git.run(source, "commit", "-q", "-m", "too large").requireSuccess();
            GitClient.Result refused = git.run(source, "push", url, "main:refs/heads/large");
            assertThat(refused.exitCode()).as(refused.stderr()).isNotZero();
            assertThat(refused.stderr()).containsIgnoringCase("exceeds");
            assertThat(git.lsRemote(work, url)).noneMatch(line -> line.endsWith("refs/heads/large"));

            List<AuditEntry> audit = primary.instance.store().inTransaction(tx -> tx.audit().list(0, 100));
            assertThat(audit).filteredOn(entry -> entry.action() == AuditAction.PUSH)
                    .singleElement()
                    .satisfies(entry -> {
                        assertThat(entry.actor()).isEqualTo("admin");
                        assertThat(entry.details()).startsWith("BIG/repo: refs/heads/main ");
                    });

            try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary,
                    Map.of(RawSettings.MAX_PUSH_BYTES, Integer.toString(LIMIT)))) {
                String throughMirror = mirror.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "BIG", "repo");
                GitClient.Result forwarded = git.run(source, "push", throughMirror, "main:refs/heads/large");
                assertThat(forwarded.exitCode()).as(forwarded.stderr()).isNotZero();
                assertThat(forwarded.stderr()).contains("413");
                assertThat(git.lsRemote(work, url)).noneMatch(line -> line.endsWith("refs/heads/large"));

                git.run(source, "push", "-q", throughMirror, "HEAD~1:refs/heads/small").requireSuccess();
                assertThat(git.lsRemote(work, url)).anyMatch(line -> line.endsWith("refs/heads/small"));
            }
        }
    }
}
