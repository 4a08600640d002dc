package dev.facet.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new repository is what {@code git init --bare} makes, with Facet's settings, and never half made. */
class LocalDiskRepositoryStoreTest {
    @TempDir
    Path home;

    @Test
    void aNewRepositoryIsABareRepositoryGitAndJGitAcceptWithFacetsSettings() throws Exception {
        LocalDiskRepositoryStore store = new LocalDiskRepositoryStore(home.resolve("repositories"));
        store.create(7);

        Path dir = home.resolve("repositories").resolve("7");
        assertThat(git(dir, "rev-parse", "--is-bare-repository")).isEqualTo("true");
        String head = git(dir, "symbolic-ref", "HEAD");
        assertThat(head).startsWith("refs/heads/");
        assertThat(git(dir, "config", "core.repositoryformatversion")).isEqualTo("0");
        assertThat(git(dir, "config", "core.logallrefupdates")).isEqualTo("true");
        assertThat(git(dir, "config", "pack.buildbitmaps")).isEqualTo("true");
        assertThat(git(dir, "config", "repack.writebitmaps")).isEqualTo("true");
        assertThat(git(dir, "config", "receive.fsckobjects")).isEqualTo("true");
        assertThat(git(dir, "config", "uploadpack.allowfilter")).isEqualTo("true");
        assertThat(git(dir, "config", "gc.prunepackexpire")).isEqualTo("now");
        assertThat(git(dir, "config", "fetch.autogc")).isEqualTo("false");
        git(dir, "fsck", "--strict");

        store.verify(7);
        try (Repository repository = store.open(7)) {
            StoredConfig config = repository.getConfig();
            assertThat(repository.isBare()).isTrue();
            assertThat(config.getBoolean("core", "logallrefupdates", false)).isTrue();
            assertThat(config.getBoolean("fetch", "autogc", true)).isFalse();
            assertThat(repository.exactRef(Constants.HEAD).getTarget().getName()).isEqualTo(head);
        }
        assertThat(store.refs(7)).isEmpty();
        try (var staged = Files.list(home.resolve("repositories").resolve(".new"))) {
            assertThat(staged).isEmpty();
        }
    }

    @Test
    void aPushToANewRepositoryLandsOnItsBranch() throws Exception {
        LocalDiskRepositoryStore store = new LocalDiskRepositoryStore(home.resolve("repositories"));
        store.create(1);
        Path work = home.resolve("work");
        Files.createDirectories(work);
        git(work, "init", "-q", "-b", "master");
        Files.writeString(work.resolve("a.txt"), "a\n");
        git(work, "add", "a.txt");
        git(work, "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "a");
        git(work, "push", "-q", home.resolve("repositories").resolve("1").toString(), "master");

        assertThat(store.refs(1)).containsKey("refs/heads/master");
        git(home.resolve("repositories").resolve("1"), "fsck", "--strict");
    }

    @Test
    void aRepositoryThatExistsIsNotCreatedAgain() {
        LocalDiskRepositoryStore store = new LocalDiskRepositoryStore(home.resolve("repositories"));
        store.create(3);

        assertThatThrownBy(() -> store.create(3)).isInstanceOf(IllegalStateException.class);
        assertThat(store.refs(3)).isEmpty();
    }

    @Test
    void whatACrashLeftHalfMadeIsNeverARepositoryAndIsClearedAtStart() throws IOException {
        Path root = home.resolve("repositories");
        Path leftOver = root.resolve(".new").resolve("5-123");
        Files.createDirectories(leftOver.resolve("objects"));
        Files.writeString(leftOver.resolve("HEAD"), "ref: refs/heads/master\n", StandardCharsets.UTF_8);

        LocalDiskRepositoryStore store = new LocalDiskRepositoryStore(root);

        assertThat(store.exists(5)).isFalse();
        assertThat(leftOver).doesNotExist();
        store.create(5);
        assertThat(store.exists(5)).isTrue();
        store.verify(5);
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out;
    }
}
