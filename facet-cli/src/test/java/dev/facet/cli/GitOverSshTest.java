package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git over SSH on the primary with the real OpenSSH client and {@code git}: keys registered
 * through the REST API, the host key pinned in a known-hosts file with strict checking.
 */
class GitOverSshTest {
    @TempDir
    Path dir;
    TestPrimary primary;
    GitClient git;
    Path knownHosts;
    SshKeyPair writerKey;
    SshKeyPair readerKey;
    SshKeyPair strangerKey;
    SshKeyPair unregisteredKey;

    @BeforeEach
    void start() throws IOException {
        primary = TestPrimary.start(dir.resolve("primary"));
        primary.createProject("SSH");
        primary.createRepository("SSH", "code", false);
        SshPeople people = SshPeople.on(primary, "SSH", dir.resolve("keys"));
        writerKey = people.writer();
        readerKey = people.reader();
        strangerKey = people.stranger();
        unregisteredKey = people.unregistered();
        git = new GitClient(dir.resolve("git-home"));
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[localhost]:" + sshPort() + " " + hostKey() + "\n");
    }

    @AfterEach
    void stop() {
        primary.close();
    }

    private int sshPort() {
        return primary.instance.sshPort().orElseThrow();
    }

    /** The public half of the host key Facet keeps in its home, as ssh-keygen reads it from the private key file. */
    private String hostKey() {
        return SshKeyPair.hostKeyOf(primary.home.resolve("keys").resolve("ssh_host_ed25519_key"));
    }

    private String url() {
        return "ssh://git@localhost:" + sshPort() + "/SSH/code.git";
    }

    private Map<String, String> as(SshKeyPair key) {
        return Map.of("GIT_SSH_COMMAND", sshCommand(key));
    }

    private String sshCommand(SshKeyPair key) {
        return key.sshCommand(knownHosts);
    }

    /** Runs {@code ssh} itself with {@code key}: what a user typing a command (not Git) sees. */
    private GitClient.Result ssh(SshKeyPair key, String... remoteCommand) {
        return key.ssh(knownHosts, sshPort(), remoteCommand);
    }

    @Test
    void aWriterPushesBranchesAndTagsAndAReaderClonesAndFetchesThem() throws IOException {
        Path work = git.newWorkTree(dir.resolve("work"), "README.md");
        git.run(work, "checkout", "-q", "-b", "feature").requireSuccess();
        git.commitFile(work, "feature.txt", "feature\n");
        git.run(work, "tag", "v1").requireSuccess();
        git.run(work, "tag", "-a", "v1-annotated", "-m", "release").requireSuccess();
        git.run(work, as(writerKey), "push", "-q", url(), "main", "feature", "v1", "v1-annotated").requireSuccess();

        Path clone = dir.resolve("clone");
        git.run(dir, as(readerKey), "clone", "-q", url(), clone.toString()).requireSuccess();
        assertThat(git.run(clone, "branch", "-r").stdout()).contains("origin/main", "origin/feature");
        assertThat(git.run(clone, "tag").stdout().lines()).containsExactlyInAnyOrder("v1", "v1-annotated");
        assertThat(git.lsRemote(work, primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "SSH", "code")))
                .isEqualTo(git.run(work, as(readerKey), "ls-remote", url()).requireSuccess().stdout().lines()
                        .sorted().toList());

        git.run(work, "checkout", "-q", "main").requireSuccess();
        git.commitFile(work, "second.txt", "second\n");
        git.run(work, as(writerKey), "push", "-q", url(), "main").requireSuccess();
        git.run(clone, as(readerKey), "fetch", "-q", "origin").requireSuccess();
        assertThat(git.run(clone, "rev-parse", "origin/main").stdout())
                .isEqualTo(git.run(work, "rev-parse", "main").stdout());
    }

    /**
     * Facet serves chacha20-poly1305@openssh.com (OpenSSH's first choice) with its own code; the
     * client forced to it, and to the AES ciphers clients without it use, pushes and clones a
     * file that takes many packets each way, and gets back exactly its bytes.
     */
    @Test
    void eachCipherAnOpenSshClientMayAskForCarriesAPushAndAClone() throws IOException {
        for (String cipher : List.of("chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-ctr")) {
            byte[] content = new byte[3 * 1024 * 1024];
            new java.util.Random(cipher.hashCode()).nextBytes(content);
            Path work = git.newWorkTree(dir.resolve("work-" + cipher), "README.md");
            Files.write(work.resolve("random.bin"), content);
            git.run(work, "add", "random.bin").requireSuccess();
            git.run(work, "commit", "-q", "-m", "random bytes").requireSuccess();
            String branch = "cipher-" + cipher.replace('@', '-');
            git.run(work, Map.of("GIT_SSH_COMMAND", sshCommand(writerKey) + " -c " + cipher),
                    "push", "-q", url(), "HEAD:refs/heads/" + branch).requireSuccess();

            Path clone = dir.resolve("clone-" + cipher);
            git.run(dir, Map.of("GIT_SSH_COMMAND", sshCommand(readerKey) + " -c " + cipher),
                    "clone", "-q", "-b", branch, url(), clone.toString()).requireSuccess();
            assertThat(Files.readAllBytes(clone.resolve("random.bin"))).as(cipher).isEqualTo(content);
        }
    }

    /** The kept clone answers of every repository of the primary. */
    private long keptCloneAnswers() throws IOException {
        try (java.util.stream.Stream<Path> files = Files.walk(primary.home.resolve("data/repositories"))) {
            return files.filter(file -> file.getParent().getParent().getFileName().toString()
                    .equals(dev.facet.git.ClonePackCache.DIRECTORY) && file.toString().endsWith(".pack")).count();
        }
    }

    private String head(Path repository, String ref) {
        return git.run(repository, "rev-parse", ref).requireSuccess().stdout().strip();
    }

    @Test
    void fullClonesOverSshShareTheCloneCacheAndNeverGetAnOlderStateOrReachAStranger() throws IOException {
        Path work = git.newWorkTree(dir.resolve("work"), "README.md", "a.txt");
        git.run(work, "tag", "-a", "v1", "-m", "first").requireSuccess();
        git.run(work, as(writerKey), "push", "-q", url(), "main", "v1").requireSuccess();

        for (int i = 1; i <= 3; i++) {
            Path clone = dir.resolve("clone-" + i);
            git.run(dir, as(readerKey), "-c", "protocol.version=2", "clone", "-q", "--mirror", url(),
                    clone.toString()).requireSuccess();
            git.run(clone, "fsck", "--strict", "--no-dangling").requireSuccess();
            assertThat(head(clone, "main")).isEqualTo(head(work, "main"));
            assertThat(head(clone, "v1")).isEqualTo(head(work, "v1"));
        }
        assertThat(keptCloneAnswers()).as("one kept answer for three identical clones").isEqualTo(1);
        assertThat(primary.anonymous.get("/metrics").body()).contains("facet_git_operations_total{type=\"clone\"} 3.0");

        GitClient.Result stolen = git.run(dir, as(strangerKey), "clone", url(), dir.resolve("stolen").toString());
        assertThat(stolen.exitCode()).isNotZero();
        assertThat(dir.resolve("stolen")).doesNotExist();

        Path versionZero = dir.resolve("clone-v0");
        git.run(dir, as(readerKey), "-c", "protocol.version=0", "clone", "-q", url(), versionZero.toString())
                .requireSuccess();
        assertThat(head(versionZero, "origin/main")).isEqualTo(head(work, "main"));

        git.commitFile(work, "b.txt", "after the clones were kept\n");
        git.run(work, as(writerKey), "push", "-q", url(), "main").requireSuccess();
        Path fresh = dir.resolve("fresh");
        git.run(dir, as(readerKey), "clone", "-q", url(), fresh.toString()).requireSuccess();
        assertThat(fresh.resolve("b.txt")).exists();
        assertThat(keptCloneAnswers()).as("the old state's answer is gone").isEqualTo(1);

        Path fetcher = dir.resolve("clone-1");
        git.run(fetcher, as(readerKey), "fetch", "-q", url(), "+refs/heads/*:refs/heads/*").requireSuccess();
        assertThat(head(fetcher, "main")).isEqualTo(head(work, "main"));
    }

    @Test
    void gitSpeaksProtocolVersionTwoOverSsh() {
        Path work = git.newWorkTree(dir.resolve("work"), "README.md");
        git.run(work, as(writerKey), "push", "-q", url(), "main").requireSuccess();

        GitClient.Result listed = git.run(work, Map.of("GIT_SSH_COMMAND", sshCommand(readerKey), "GIT_TRACE_PACKET", "1"),
                "-c", "protocol.version=2", "ls-remote", url(), "refs/heads/main").requireSuccess();

        assertThat(listed.stderr()).contains("version 2").contains("ls-refs");
        assertThat(listed.stdout()).contains("refs/heads/main");
    }

    /**
     * A reader's key speaks protocol v2 to upload-pack and then sends what no Git client sends: the server
     * answers an error and ends the command while the client still holds its input open, having kept no
     * more of it than a command may hold.
     */
    @Test
    void hostilePktLinesOverSshAreAnsweredWithAnErrorAndEndTheCommand() throws Exception {
        byte[] lsRefs = "0014command=ls-refs\n".getBytes(StandardCharsets.US_ASCII);
        byte[] delims = "0001".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        // Endless delim-pkts: twice the command limit is sent, and the server must not wait for more.
        GitClient.Result endless = hostileUploadPack(readerKey, input -> {
            input.write(lsRefs);
            for (long sent = 0; sent < 2L * 16 * 1024 * 1024; sent += delims.length) {
                input.write(delims);
            }
        });
        assertThat(endless.exitCode()).isNotZero();
        assertThat(endless.stderr()).contains("facet: Git protocol error").contains("larger than");

        for (String signed : List.of("+00a", "-001")) {
            GitClient.Result answer = hostileUploadPack(readerKey, input -> {
                input.write(lsRefs);
                input.write((signed + "0000").getBytes(StandardCharsets.US_ASCII));
            });
            assertThat(answer.exitCode()).as(signed).isNotZero();
            assertThat(answer.stderr()).as(signed).contains("facet: Git protocol error").contains("pkt-line");
        }
    }

    /** What the client's side of the hostile exchange writes to the server. */
    private interface HostileInput {
        void writeTo(OutputStream input) throws IOException;
    }

    /**
     * Runs {@code ssh} with {@code key} into {@code git-upload-pack} in protocol v2, writes {@code input} and then
     * keeps the connection's input open: the command can only end because the server ends it.
     */
    private GitClient.Result hostileUploadPack(SshKeyPair key, HostileInput input) throws Exception {
        List<String> command = new ArrayList<>(List.of(sshCommand(key).split(" ")));
        command.addAll(List.of("-o", "SetEnv=GIT_PROTOCOL=version=2", "-p", Integer.toString(sshPort()),
                "git@localhost", "git-upload-pack", "'/SSH/code.git'"));
        Path stderr = Files.createTempFile(dir, "ssh-", ".err");
        Process ssh = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(stderr.toFile()).start();
        Thread writer = new Thread(() -> {
            try {
                input.writeTo(ssh.getOutputStream());
                ssh.getOutputStream().flush();
            } catch (IOException e) {
                // The server ended the command while the rest was on its way: what the test expects.
            }
        }, "hostile-ssh-input");
        writer.start();
        try {
            assertThat(ssh.waitFor(90, TimeUnit.SECONDS)).as("the server ended the command").isTrue();
            return new GitClient.Result(ssh.exitValue(), "", Files.readString(stderr, StandardCharsets.UTF_8));
        } finally {
            ssh.destroyForcibly();
            writer.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    @Test
    void aReaderCannotPushAndAStrangerCannotRead() {
        Path work = git.newWorkTree(dir.resolve("work"), "README.md");
        git.run(work, as(writerKey), "push", "-q", url(), "main").requireSuccess();
        git.commitFile(work, "sneaky.txt", "sneaky\n");

        GitClient.Result push = git.run(work, as(readerKey), "push", url(), "main");
        assertThat(push.exitCode()).isNotZero();
        assertThat(push.stderr()).contains("WRITE");
        GitClient.Result delete = git.run(work, as(readerKey), "push", url(), ":main");
        assertThat(delete.exitCode()).isNotZero();
        GitClient.Result read = git.run(dir, as(strangerKey), "clone", url(), dir.resolve("stolen").toString());
        assertThat(read.exitCode()).isNotZero();
        assertThat(read.stderr()).contains("does not exist");
        assertThat(git.run(work, as(readerKey), "ls-remote", url()).requireSuccess().stdout())
                .doesNotContain(git.run(work, "rev-parse", "main").stdout().strip());
    }

    @Test
    void theRepositoryNamesItsSshCloneUrlAndThatUrlClones() {
        Path work = git.newWorkTree(dir.resolve("work"), "README.md");
        git.run(work, as(writerKey), "push", "-q", url(), "main").requireSuccess();

        var links = TestPrimary.expect(200, primary.anonymous.as("reader", "reader-pass-1")
                .get("/rest/api/1.0/projects/SSH/repos/code")).json().path("links").path("clone");
        String ssh = null;
        for (var link : links) {
            if (link.path("name").asText().equals("ssh")) {
                ssh = link.path("href").asText();
            }
        }
        assertThat(ssh).isEqualTo("ssh://git@localhost:" + sshPort() + "/ssh/code.git");
        git.run(dir, as(readerKey), "clone", "-q", ssh, dir.resolve("from-link").toString()).requireSuccess();
    }

    @Test
    void anUnregisteredKeyIsRefused() {
        GitClient.Result clone = git.run(dir, as(unregisteredKey), "clone", url(), dir.resolve("nope").toString());

        assertThat(clone.exitCode()).isNotZero();
        assertThat(clone.stderr()).contains("Permission denied (publickey)");
    }

    @Test
    void aRemovedKeyStopsWorking() {
        long id = TestPrimary.expect(200, primary.anonymous.as("reader", "reader-pass-1").get("/rest/ssh/latest/keys"))
                .json().path("values").path(0).path("id").asLong();
        TestPrimary.expect(204, primary.anonymous.as("reader", "reader-pass-1").delete("/rest/ssh/latest/keys/" + id));

        assertThat(git.run(dir, as(readerKey), "ls-remote", url()).stderr()).contains("Permission denied (publickey)");
    }

    @Test
    void commandsOtherThanGitsAndShellsAreRefusedWithTheReason() {
        for (String[] command : List.of(new String[] {"ls", "-la"}, new String[] {"git-upload-pack", "'../../etc'"},
                new String[] {"git-upload-pack", "'/SSH/code.git'", ";", "ls"},
                new String[] {"git-receive-pack", "'/SSH/../code.git'"}, new String[] {"cat", "/etc/passwd"})) {
            GitClient.Result result = ssh(writerKey, command);
            assertThat(result.exitCode()).as(String.join(" ", command)).isNotZero();
            assertThat(result.stderr()).as(String.join(" ", command)).contains("facet:");
        }
        GitClient.Result shell = ssh(writerKey);
        assertThat(shell.exitCode()).isNotZero();
        assertThat(shell.stderr()).contains("Git over SSH only");
        // A remote forward is asked for at once; the server's refusal ends the session.
        assertThat(ssh(writerKey, "-o", "ExitOnForwardFailure=yes", "-N", "-R", "0:localhost:22").exitCode())
                .isNotZero();
        GitClient.Result sftp = ssh(writerKey, "-s", "sftp");
        assertThat(sftp.exitCode()).isNotZero();
    }

    @Test
    void theProjectKeyIsCaseInsensitiveAndBothPathFormsWork() {
        Path work = git.newWorkTree(dir.resolve("work"), "README.md");
        git.run(work, as(writerKey), "push", "-q", url(), "main").requireSuccess();

        String scpLike = "git@localhost:ssh/code.git";
        Map<String, String> env = Map.of("GIT_SSH_COMMAND", sshCommand(readerKey) + " -p " + sshPort());
        assertThat(git.run(work, env, "ls-remote", scpLike).requireSuccess().stdout()).contains("refs/heads/main");
        assertThat(git.run(work, as(readerKey), "ls-remote", "ssh://git@localhost:" + sshPort() + "/Ssh/code")
                .requireSuccess().stdout()).contains("refs/heads/main");
    }

    @Test
    void theHostKeyIsTheSameAfterARestart() {
        int port = sshPort();
        String before = hostKey();
        primary.close();
        primary = TestPrimary.start(dir.resolve("primary"), null, Map.of("FACET_SSH_PORT", Integer.toString(port)));

        assertThat(hostKey()).isEqualTo(before);
        assertThat(primary.instance.sshBaseUrl()).contains("ssh://git@localhost:" + port);
        GitClient.Result listed = git.run(dir, as(writerKey), "ls-remote", url());
        assertThat(listed.exitCode()).as(listed.stderr()).isZero();
    }

    /** A repository with a subdirectory and an executable file, pushed over SSH; a reader's clone of it. */
    private Path pushedTreeAndClone() throws IOException {
        Path work = git.newWorkTree(dir.resolve("work"), "README.md");
        Files.createDirectories(work.resolve("docs"));
        git.commitFile(work, "docs/guide.txt", "a guide\n");
        Files.writeString(work.resolve("run.sh"), "#!/bin/sh\necho run\n");
        work.resolve("run.sh").toFile().setExecutable(true);
        git.run(work, "add", "run.sh").requireSuccess();
        git.run(work, "commit", "-q", "-m", "run").requireSuccess();
        git.run(work, "tag", "-a", "v1", "-m", "release").requireSuccess();
        git.run(work, as(writerKey), "push", "-q", url(), "main", "v1").requireSuccess();
        Path clone = dir.resolve("clone");
        git.run(dir, as(readerKey), "clone", "-q", url(), clone.toString()).requireSuccess();
        return clone;
    }

    @Test
    void gitArchiveRemoteGivesTheFilesALocalArchiveHoldsInEachFormat() throws IOException {
        Path clone = pushedTreeAndClone();

        for (String format : List.of("tar", "zip", "tar.gz")) {
            for (List<String> what : List.of(List.of("HEAD"), List.of("v1", "docs"), List.of("main:docs"),
                    List.of("--prefix=app/", "main"))) {
                Path remote = dir.resolve("remote-" + what.hashCode() + "." + format);
                Path local = dir.resolve("local-" + what.hashCode() + "." + format);
                List<String> args = new java.util.ArrayList<>(List.of("archive", "--remote=" + url(),
                        "--format=" + format, "-o", remote.toString()));
                args.addAll(what);
                GitClient.Result archived = git.run(dir, as(readerKey), args.toArray(String[]::new));
                assertThat(archived.exitCode()).as(format + " " + what + ": " + archived.stderr()).isZero();
                List<String> localArgs = new java.util.ArrayList<>(List.of("archive", "--format=" + format, "-o",
                        local.toString()));
                localArgs.addAll(what);
                git.run(clone, localArgs.toArray(String[]::new)).requireSuccess();

                assertThat(ArchiveFiles.of(remote)).as(format + " " + what).isNotEmpty()
                        .isEqualTo(ArchiveFiles.of(local));
            }
        }
        assertThat(ArchiveFiles.of(dir.resolve("remote-" + List.of("HEAD").hashCode() + ".tar")))
                .containsEntry("run.sh", "[x]#!/bin/sh\necho run\n").containsKey("docs/guide.txt");
    }

    @Test
    void gitArchiveRemoteRefusesWhatGitWouldNotSendAndWhatTheCallerMayNotSee() throws IOException {
        Path clone = pushedTreeAndClone();
        String head = git.run(clone, "rev-parse", "HEAD").requireSuccess().stdout().strip();

        GitClient.Result badRef = git.run(dir, as(readerKey), "archive", "--remote=" + url(), "no-such-branch");
        assertThat(badRef.exitCode()).isNotZero();
        assertThat(badRef.stderr()).contains("no such ref: no-such-branch");
        GitClient.Result byId = git.run(dir, as(readerKey), "archive", "--remote=" + url(), head);
        assertThat(byId.exitCode()).as("objects by id, as git's own server refuses them").isNotZero();
        assertThat(byId.stderr()).contains("no such ref");
        GitClient.Result badPath = git.run(dir, as(readerKey), "archive", "--remote=" + url(), "HEAD", "missing");
        assertThat(badPath.stderr()).contains("pathspec 'missing' did not match any files");
        GitClient.Result extraFile = git.run(dir, as(readerKey), "archive", "--remote=" + url(),
                "--add-file=/etc/passwd", "HEAD");
        assertThat(extraFile.exitCode()).isNotZero();
        assertThat(extraFile.stderr()).contains("'--add-file=/etc/passwd' is not served");
        GitClient.Result badFormat = git.run(dir, as(readerKey), "archive", "--remote=" + url(), "--format=tar.xz",
                "HEAD");
        assertThat(badFormat.exitCode()).isNotZero();

        GitClient.Result stranger = git.run(dir, as(strangerKey), "archive", "--remote=" + url(), "HEAD");
        assertThat(stranger.exitCode()).isNotZero();
        assertThat(stranger.stderr()).contains("does not exist");
        assertThat(stranger.stdout()).isEmpty();
        GitClient.Result unregistered = git.run(dir, as(unregisteredKey), "archive", "--remote=" + url(), "HEAD");
        assertThat(unregistered.stderr()).contains("Permission denied (publickey)");
    }
}
