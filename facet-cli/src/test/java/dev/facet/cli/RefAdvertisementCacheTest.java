package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.git.AdvertisedRefsCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CI storm of {@code git ls-remote} against a busy repository reads its refs from disk once per change, and
 * every change, pushed over HTTP or SSH, is advertised to the very next reader; hidden refs stay hidden.
 */
class RefAdvertisementCacheTest {
    private static final Pattern READS = Pattern.compile(
            "facet_git_ref_advertisements_total\\{source=\"(disk|cache)\",?\\} ([0-9.E]+)");

    @TempDir
    Path dir;
    TestPrimary primary;
    GitClient git;
    Path work;

    @BeforeEach
    void start() {
        primary = TestPrimary.start(dir.resolve("primary"));
        primary.createProject("CI");
        primary.createRepository("CI", "busy", false);
        git = new GitClient(dir.resolve("git-home"));
        work = git.newWorkTree(dir.resolve("work"), "README.md");
        git.run(work, "push", "-q", url(), "main").requireSuccess();
    }

    @AfterEach
    void stop() {
        primary.close();
    }

    private String url() {
        return primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "CI", "busy");
    }

    private String head(String ref) {
        return git.run(work, "rev-parse", ref).requireSuccess().stdout().strip();
    }

    private String advertised(String ref) {
        return git.lsRemote(work, url()).stream().filter(line -> line.endsWith("\t" + ref)).findFirst()
                .map(line -> line.substring(0, line.indexOf('\t'))).orElse(null);
    }

    /** How many advertisements read the refs from disk ({@code disk}) or were answered from the cache ({@code cache}). */
    private Map<String, Double> reads() {
        Matcher matcher = READS.matcher(primary.anonymous.get("/metrics").body());
        Map<String, Double> reads = new java.util.HashMap<>();
        while (matcher.find()) {
            reads.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
        }
        assertThat(reads).containsKeys("disk", "cache");
        return reads;
    }

    @Test
    void aStormOfLsRemoteReadsTheRefsOncePerChange() {
        advertised("refs/heads/main");
        Map<String, Double> before = reads();
        long started = System.nanoTime();

        for (int i = 0; i < 30; i++) {
            assertThat(advertised("refs/heads/main")).isEqualTo(head("main"));
        }

        Map<String, Double> after = reads();
        // Unchanged refs are read again only once an entry is as old as the bound on changes made outside Facet.
        long expiries = (System.nanoTime() - started) / AdvertisedRefsCache.DEFAULT_MAX_AGE.toNanos();
        assertThat(after.get("disk") - before.get("disk")).as("reads from disk").isLessThanOrEqualTo(expiries);
        assertThat(after.get("cache") - before.get("cache")).as("answers from the cache")
                .isGreaterThanOrEqualTo(30 - expiries);

        git.commitFile(work, "second.txt", "second\n");
        git.run(work, "push", "-q", url(), "main").requireSuccess();
        long pushed = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            assertThat(advertised("refs/heads/main")).as("the pushed main, at once").isEqualTo(head("main"));
        }
        expiries = (System.nanoTime() - pushed) / AdvertisedRefsCache.DEFAULT_MAX_AGE.toNanos();
        assertThat(reads().get("disk") - after.get("disk")).as("one read for the one change")
                .isLessThanOrEqualTo(1 + expiries);
    }

    @Test
    void aPushOverSshIsAdvertisedOverHttpAtOnce() throws IOException {
        SshPeople people = SshPeople.on(primary, "CI", dir.resolve("keys"));
        int sshPort = primary.instance.sshPort().orElseThrow();
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[localhost]:" + sshPort + " "
                + SshKeyPair.hostKeyOf(primary.home.resolve("keys").resolve("ssh_host_ed25519_key")) + "\n");
        assertThat(advertised("refs/heads/main")).isEqualTo(head("main"));

        git.commitFile(work, "over-ssh.txt", "ssh\n");
        git.run(work, Map.of("GIT_SSH_COMMAND", people.writer().sshCommand(knownHosts)), "push", "-q",
                "ssh://git@localhost:" + sshPort + "/CI/busy.git", "main:refs/heads/from-ssh").requireSuccess();

        assertThat(advertised("refs/heads/from-ssh")).isEqualTo(head("main"));
    }

    @Test
    void refsFacetKeepsAsideAreNeverAdvertisedFromTheCache() throws IOException {
        assertThat(advertised("refs/heads/main")).isEqualTo(head("main"));
        Path repository = primary.home.resolve("data").resolve("repositories").resolve("1");
        try (Repository disk = new FileRepositoryBuilder().setGitDir(repository.toFile()).setMustExist(true).build()) {
            RefUpdate keep = disk.updateRef("refs/facet-kept/1700000000/heads/old");
            keep.setNewObjectId(ObjectId.fromString(head("main")));
            assertThat(keep.update()).isEqualTo(RefUpdate.Result.NEW);
        }

        for (int i = 0; i < 3; i++) {
            assertThat(git.lsRemote(work, url())).noneMatch(line -> line.contains("facet-kept"))
                    .anyMatch(line -> line.endsWith("\trefs/heads/main"));
        }
    }
}
