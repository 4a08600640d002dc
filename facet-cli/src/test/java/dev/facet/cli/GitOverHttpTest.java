package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitOverHttpTest {
    @TempDir
    static Path home;
    @TempDir
    Path work;
    static TestPrimary primary;

    @BeforeAll
    static void startPrimary() {
        primary = TestPrimary.start(home.resolve("primary"));
        primary.createProject("GIT");
    }

    @AfterAll
    static void stopPrimary() {
        primary.close();
    }

    @Test
    void pushedBranchesAndTagsCloneBackIdentically() {
        primary.createRepository("GIT", "Round Trip", false);
        GitClient git = new GitClient(work.resolve("git-home"));
        Path source = git.newWorkTree(work.resolve("source"), "README.md", "src.txt", "docs.txt");
        git.run(source, "branch", "feature/search").requireSuccess();
        git.run(source, "checkout", "-q", "-b", "release").requireSuccess();
        git.commitFile(source, "release-notes.txt", "1.0\n");
        git.run(source, "tag", "v1.0").requireSuccess();
        git.run(source, "tag", "-a", "v1.1", "-m", "annotated").requireSuccess();
        git.run(source, "checkout", "-q", "main").requireSuccess();
        String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "GIT", "round-trip");

        git.run(source, "push", "-q", url, "--all").requireSuccess();
        git.run(source, "push", "-q", url, "--tags").requireSuccess();

        List<String> localRefs = git.run(source, "for-each-ref", "--format=%(objectname)\t%(refname)")
                .requireSuccess().stdout().lines()
                .sorted().toList();
        List<String> remoteRefs = git.lsRemote(source, url).stream().filter(l -> !l.endsWith("\tHEAD"))
                .filter(l -> !l.endsWith("^{}")).toList();
        assertThat(remoteRefs).containsExactlyElementsOf(localRefs);
        assertThat(remoteRefs).hasSize(5);

        Path clone = work.resolve("clone");
        git.run(work, "clone", "-q", "--mirror", url, clone.toString()).requireSuccess();
        List<String> clonedRefs = git.run(clone, "for-each-ref", "--format=%(objectname)\t%(refname)")
                .requireSuccess().stdout().lines().sorted().toList();
        assertThat(clonedRefs).containsExactlyElementsOf(localRefs);
        git.run(clone, "fsck", "--strict", "--no-dangling").requireSuccess();
        assertThat(git.run(clone, "symbolic-ref", "HEAD").requireSuccess().stdout().strip())
                .isEqualTo("refs/heads/main");
    }

    @Test
    void lsRemoteSpeaksProtocolVersionTwo() {
        primary.createRepository("GIT", "Protocol Two", false);
        GitClient git = new GitClient(work.resolve("git-home"));
        Path source = git.newWorkTree(work.resolve("source"), "a.txt");
        String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "GIT", "protocol-two");
        git.run(source, "push", "-q", url, "main").requireSuccess();

        GitClient.Result v2 = git.run(source, Map.of("GIT_TRACE_PACKET", "1"),
                "-c", "protocol.version=2", "ls-remote", url).requireSuccess();
        assertThat(v2.stderr()).contains("git< version 2");
        assertThat(v2.stdout()).contains("refs/heads/main");

        GitClient.Result v0 = git.run(source, Map.of("GIT_TRACE_PACKET", "1"),
                "-c", "protocol.version=0", "ls-remote", url).requireSuccess();
        assertThat(v0.stderr()).doesNotContain("git< version 2");
        assertThat(v0.stdout()).isEqualTo(v2.stdout());
    }

    @Test
    void fetchBringsCommitsPushedByAnotherClone() {
        primary.createRepository("GIT", "Fetch Me", false);
        GitClient git = new GitClient(work.resolve("git-home"));
        String url = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "GIT", "fetch-me");
        Path first = git.newWorkTree(work.resolve("first"), "one.txt");
        git.run(first, "push", "-q", url, "main").requireSuccess();
        git.run(work, "clone", "-q", url, work.resolve("second").toString()).requireSuccess();

        git.commitFile(first, "two.txt", "two\n");
        git.run(first, "push", "-q", url, "main").requireSuccess();
        git.run(work.resolve("second"), "pull", "-q", "--ff-only").requireSuccess();

        String head = git.run(first, "rev-parse", "HEAD").requireSuccess().stdout();
        assertThat(git.run(work.resolve("second"), "rev-parse", "HEAD").requireSuccess().stdout()).isEqualTo(head);
    }

    @Test
    void projectKeyInGitUrlsIsCaseInsensitive() {
        primary.createRepository("GIT", "Any Case", false);
        GitClient git = new GitClient(work.resolve("git-home"));
        Path source = git.newWorkTree(work.resolve("source"), "a.txt");
        git.run(source, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "git", "any-case"), "main")
                .requireSuccess();
        assertThat(git.lsRemote(source, primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "GIT", "any-case")))
                .anyMatch(line -> line.endsWith("refs/heads/main"));
    }
}
