package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git over SSH on a mirror with the real OpenSSH client and {@code git}: keys registered on the
 * primary are checked with it, reads come from the mirror's copy, pushes go to the primary, which
 * decides them by the client's own login signature, and come back served by the mirror.
 */
class MirrorGitOverSshTest {
    @TempDir
    Path dir;
    TestPrimary primary;
    TestMirror mirror;
    GitClient git;
    Path knownHosts;
    SshKeyPair writerKey;
    SshKeyPair readerKey;
    SshKeyPair strangerKey;
    SshKeyPair unregisteredKey;
    Path work;

    /** A repository with one commit on the primary, carried by a mirror with a 1 s credential cache. */
    @BeforeEach
    void start() throws IOException {
        primary = TestPrimary.start(dir.resolve("primary"));
        primary.createProject("MSH");
        primary.createRepository("MSH", "code", false);
        SshPeople people = SshPeople.on(primary, "MSH", dir.resolve("keys"));
        writerKey = people.writer();
        readerKey = people.reader();
        strangerKey = people.stranger();
        unregisteredKey = people.unregistered();
        git = new GitClient(dir.resolve("git-home"));
        work = git.newWorkTree(dir.resolve("work"), "README.md");
        git.run(work, "push", "-q", primary.gitUrl("writer", "writer-pass-1", "MSH", "code"), "main").requireSuccess();

        mirror = TestMirror.startAuthorized(dir.resolve("mirror"), primary,
                Map.of(RawSettings.AUTH_CACHE_SECONDS, "1", RawSettings.OFFLINE_ACCESS_SECONDS, "60"));
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[localhost]:" + mirrorSshPort() + " " + SshKeyPair.hostKeyOf(mirror.home.resolve("keys").resolve("ssh_host_ed25519_key")) + "\n");
        String head = head(work);
        await().atMost(Duration.ofSeconds(30)).until(() -> git.run(dir, as(readerKey), "ls-remote", mirrorUrl())
                .stdout().contains(head));
    }

    @AfterEach
    void stop() {
        mirror.close();
        primary.close();
    }

    private int mirrorSshPort() {
        return mirror.instance.sshPort().orElseThrow();
    }

    private String mirrorUrl() {
        return "ssh://git@localhost:" + mirrorSshPort() + "/MSH/code.git";
    }

    private String head(Path tree) {
        return git.run(tree, "rev-parse", "HEAD").requireSuccess().stdout().strip();
    }

    private Map<String, String> as(SshKeyPair key) {
        return Map.of("GIT_SSH_COMMAND", key.sshCommand(knownHosts));
    }

    @Test
    void aReaderClonesAndFetchesOverSshFromTheMirrorInProtocolVersionTwo() {
        Path clone = dir.resolve("clone");
        git.run(dir, as(readerKey), "clone", "-q", mirrorUrl(), clone.toString()).requireSuccess();
        assertThat(head(clone)).isEqualTo(head(work));

        git.commitFile(work, "second.txt", "second\n");
        git.run(work, "push", "-q", primary.gitUrl("writer", "writer-pass-1", "MSH", "code"), "main").requireSuccess();
        String second = head(work);
        await().atMost(Duration.ofSeconds(30)).until(() -> git.run(clone, as(readerKey), "fetch", "-q", "origin")
                .exitCode() == 0 && git.run(clone, "rev-parse", "origin/main").stdout().strip().equals(second));

        Map<String, String> traced = new java.util.HashMap<>(as(readerKey));
        traced.put("GIT_TRACE_PACKET", "1");
        GitClient.Result listed = git.run(clone, traced, "-c", "protocol.version=2", "ls-remote", mirrorUrl(),
                "refs/heads/main").requireSuccess();
        assertThat(listed.stderr()).contains("version 2").contains("ls-refs");
        assertThat(listed.stdout()).contains(second);
    }

    @Test
    void thePrimaryListsTheMirrorsSshCloneUrlAndItClones() {
        long id = primary.admin.get("/rest/api/1.0/projects/MSH/repos/code").json().path("id").asLong();
        String listing = "/rest/mirroring/latest/repos/" + id + "/mirrors";
        await().atMost(Duration.ofSeconds(15)).until(() -> primary.admin.get(listing).json().path("values").path(0)
                .path("links").path("clone").toString().contains("\"ssh\""));
        com.fasterxml.jackson.databind.JsonNode clone = primary.admin.get(listing).json().path("values").path(0)
                .path("links").path("clone");
        String sshUrl = null;
        for (com.fasterxml.jackson.databind.JsonNode link : clone) {
            if (link.path("name").asText().equals("ssh")) {
                sshUrl = link.path("href").asText();
            }
        }
        assertThat(sshUrl).isEqualTo("ssh://git@localhost:" + mirrorSshPort() + "/msh/code.git");

        Path cloned = dir.resolve("listed-clone");
        git.run(dir, as(readerKey), "clone", "-q", sshUrl, cloned.toString()).requireSuccess();
        assertThat(head(cloned)).isEqualTo(head(work));
    }

    @Test
    void anUnregisteredKeyAndAUserWithoutAccessAreRefused() {
        GitClient.Result unregistered = git.run(dir, as(unregisteredKey), "clone", mirrorUrl(),
                dir.resolve("nope").toString());
        assertThat(unregistered.exitCode()).isNotZero();
        assertThat(unregistered.stderr()).contains("Permission denied (publickey)");

        GitClient.Result stranger = git.run(dir, as(strangerKey), "clone", mirrorUrl(), dir.resolve("stolen").toString());
        assertThat(stranger.exitCode()).isNotZero();
        assertThat(stranger.stderr()).contains("does not exist");
        assertThat(dir.resolve("stolen")).doesNotExist();
    }

    @Test
    void aPushThroughTheMirrorLandsOnThePrimaryAndTheMirrorServesItWhenThePushReturns() {
        git.commitFile(work, "pushed.txt", "pushed over SSH to the mirror\n");
        String pushed = head(work);
        git.run(work, "branch", "feature").requireSuccess();
        git.run(work, "tag", "-a", "v1", "-m", "first release").requireSuccess();
        String primaryUrl = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "MSH", "code");

        GitClient.Result push = git.run(work, as(writerKey), "push", mirrorUrl(), "main", "feature", "v1");

        assertThat(push.exitCode()).as(push.stderr()).isZero();
        assertThat(git.lsRemote(work, primaryUrl)).contains(pushed + "\trefs/heads/main",
                pushed + "\trefs/heads/feature").anyMatch(line -> line.endsWith("\trefs/tags/v1"));
        // Read your writes: the mirror serves what was pushed as soon as the push returns.
        assertThat(git.run(dir, as(readerKey), "ls-remote", mirrorUrl()).requireSuccess().stdout())
                .contains(pushed + "\trefs/heads/main", pushed + "\trefs/heads/feature", "refs/tags/v1");

        GitClient.Result delete = git.run(work, as(writerKey), "push", mirrorUrl(), ":feature", ":v1");

        assertThat(delete.exitCode()).as(delete.stderr()).isZero();
        assertThat(git.lsRemote(work, primaryUrl)).noneMatch(line -> line.endsWith("refs/heads/feature"))
                .noneMatch(line -> line.contains("refs/tags/v1"));
        assertThat(git.run(dir, as(readerKey), "ls-remote", mirrorUrl()).requireSuccess().stdout())
                .doesNotContain("refs/heads/feature").doesNotContain("refs/tags/v1");
    }

    /**
     * OpenSSH's ControlMaster shares one connection, and so one login, between commands: each push over it is
     * carried to the primary on that login, through this mirror.
     */
    @Test
    void twoPushesOverOneSharedOpenSshConnectionBothLandOnThePrimary() throws IOException {
        // A short path: a Unix socket's name is at most 108 bytes.
        Path sockets = Files.createTempDirectory(Path.of("/tmp"), "cm");
        String shared = writerKey.sshCommand(knownHosts) + " -o ControlMaster=auto -o ControlPath=" + sockets
                + "/%C -o ControlPersist=60";
        String primaryUrl = primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "MSH", "code");
        try {
            for (String file : List.of("first.txt", "second.txt")) {
                git.commitFile(work, file, file + "\n");
                GitClient.Result push = git.run(work, Map.of("GIT_SSH_COMMAND", shared), "push", mirrorUrl(), "main");
                assertThat(push.exitCode()).as(file + ": " + push.stderr()).isZero();
                assertThat(git.lsRemote(work, primaryUrl)).contains(head(work) + "\trefs/heads/main");
            }
            try (java.util.stream.Stream<Path> listed = Files.list(sockets)) {
                assertThat(listed.count()).as("the shared connection's socket").isEqualTo(1);
            }
        } finally {
            Process exit = new ProcessBuilder("ssh", "-o", "ControlPath=" + sockets + "/%C", "-O", "exit", "-p",
                    Integer.toString(mirrorSshPort()), "git@localhost").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                exit.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aReadersPushThroughTheMirrorIsRefusedWithThePrimarysReasonAndChangesNothing() {
        String before = head(work);
        git.commitFile(work, "pushed.txt", "a reader tries\n");

        GitClient.Result reader = git.run(work, as(readerKey), "push", mirrorUrl(), "main");

        assertThat(reader.exitCode()).isNotZero();
        assertThat(reader.stderr()).contains("You need WRITE access to repository MSH/code");
        assertThat(git.lsRemote(work, primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "MSH", "code")))
                .contains(before + "\trefs/heads/main");
    }

    @Test
    void aPushBehindThePrimaryIsRejectedAsGitShowsIt() {
        Path other = dir.resolve("other");
        git.run(dir, as(writerKey), "clone", "-q", mirrorUrl(), other.toString()).requireSuccess();
        git.commitFile(other, "other.txt", "someone else was first\n");
        git.run(other, as(writerKey), "push", "-q", mirrorUrl(), "main").requireSuccess();
        String theirs = head(other);
        git.commitFile(work, "mine.txt", "mine, on the old tip\n");

        GitClient.Result behind = git.run(work, as(writerKey), "push", mirrorUrl(), "main");

        assertThat(behind.exitCode()).isNotZero();
        assertThat(behind.stderr()).contains("[rejected]").contains("main -> main");
        assertThat(git.lsRemote(work, primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "MSH", "code")))
                .contains(theirs + "\trefs/heads/main");
    }

    @Test
    void whileThePrimaryIsDownAPushThroughTheMirrorIsRefusedSayingSo() {
        git.commitFile(work, "pushed.txt", "pushed while the primary is down\n");
        git.run(work, as(writerKey), "push", "--dry-run", mirrorUrl(), "main").requireSuccess();

        primary.close();

        GitClient.Result push = git.run(work, as(writerKey), "push", mirrorUrl(), "main");
        assertThat(push.exitCode()).isNotZero();
        assertThat(push.stderr()).contains("nothing was pushed");
    }

    @Test
    void aKeyRemovedOnThePrimaryIsRefusedByTheMirrorWithinAMinute() {
        RestClient reader = primary.anonymous.as("reader", "reader-pass-1");
        long id = TestPrimary.expect(200, reader.get("/rest/ssh/latest/keys")).json().path("values").path(0).path("id")
                .asLong();
        git.run(dir, as(readerKey), "ls-remote", mirrorUrl()).requireSuccess();

        TestPrimary.expect(204, reader.delete("/rest/ssh/latest/keys/" + id));

        await().atMost(Duration.ofMinutes(1)).until(() -> git.run(dir, as(readerKey), "ls-remote", mirrorUrl())
                .stderr().contains("Permission denied (publickey)"));
    }

    @Test
    void whileThePrimaryIsDownARecentReaderKeepsReadingAndNobodyElseGetsIn() {
        git.run(dir, as(readerKey), "ls-remote", mirrorUrl()).requireSuccess();

        primary.close();

        // The credential cache lasts 1 s: past it, the reader's reads are the offline policy's.
        await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10))
                .until(() -> git.run(dir, as(readerKey), "ls-remote", mirrorUrl()).exitCode() == 0);
        Path clone = dir.resolve("offline-clone");
        git.run(dir, as(readerKey), "clone", "-q", mirrorUrl(), clone.toString()).requireSuccess();
        assertThat(head(clone)).isEqualTo(head(work));

        GitClient.Result writer = git.run(dir, as(writerKey), "ls-remote", mirrorUrl());
        assertThat(writer.exitCode()).as("never let in before the primary went down").isNotZero();
        assertThat(writer.stderr()).contains("cannot check credentials with its primary");
        GitClient.Result unregistered = git.run(dir, as(unregisteredKey), "ls-remote", mirrorUrl());
        assertThat(unregistered.exitCode()).isNotZero();
        assertThat(unregistered.stderr()).contains("cannot check credentials with its primary");
    }

    @Test
    void gitArchiveRemoteServesTheMirrorsCopyToReadersOnly() {
        Path clone = dir.resolve("clone");
        git.run(dir, as(readerKey), "clone", "-q", mirrorUrl(), clone.toString()).requireSuccess();
        Path remote = dir.resolve("remote.zip");
        Path local = dir.resolve("local.zip");

        git.run(dir, as(readerKey), "archive", "--remote=" + mirrorUrl(), "-o", remote.toString(), "main")
                .requireSuccess();
        git.run(clone, "archive", "-o", local.toString(), "main").requireSuccess();

        assertThat(ArchiveFiles.of(remote)).containsEntry("README.md", "README.md content\n")
                .isEqualTo(ArchiveFiles.of(local));
        GitClient.Result stranger = git.run(dir, as(strangerKey), "archive", "--remote=" + mirrorUrl(), "main");
        assertThat(stranger.exitCode()).isNotZero();
        assertThat(stranger.stderr()).contains("does not exist");
        GitClient.Result unregistered = git.run(dir, as(unregisteredKey), "archive", "--remote=" + mirrorUrl(), "main");
        assertThat(unregistered.stderr()).contains("Permission denied (publickey)");
    }
}
