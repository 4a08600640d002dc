package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import dev.facet.core.mirror.UpstreamLink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code facet doctor} on a stopped mirror's home: exit 0 when healthy, each finding with its fix otherwise. */
class DoctorTest {
    @TempDir
    Path work;

    private static FacetRun doctor(Path home) {
        return FacetRun.of("doctor", "--home", home.toString());
    }

    @Test
    void findsEachProblemOfAStoppedMirrorAndSaysHowToFixIt() throws IOException {
        Path mirrorHome = work.resolve("mirror");
        TestPrimary primary = TestPrimary.start(work.resolve("primary"));
        String primaryUrl = primary.baseUrl();
        try {
            primary.createProject("DOC");
            primary.createRepository("DOC", "checked", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            Path source = git.newWorkTree(work.resolve("source"), "a.txt", "b.txt");
            git.run(source, "push", "-q", primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "DOC", "checked"), "main")
                    .requireSuccess();
            String mirrorId;
            try (TestMirror mirror = TestMirror.startAuthorized(mirrorHome, primary)) {
                mirrorId = mirror.instance.instanceId();
            }

            FacetRun healthy = doctor(mirrorHome);
            assertThat(healthy.exit()).as(healthy.out()).isZero();
            assertThat(healthy.out()).contains("Healthy");

            try (Repository onDisk = new FileRepositoryBuilder()
                    .setGitDir(mirrorHome.resolve("data/repositories/1").toFile()).setMustExist(true).build()) {
                RefUpdate update = onDisk.updateRef("refs/heads/only-here");
                update.setNewObjectId(ObjectId.fromString(git.run(source, "rev-parse", "HEAD~1").stdout().strip()));
                update.update();
            }
            Files.setPosixFilePermissions(mirrorHome.resolve("keys/instance.jwk"), PosixFilePermissions.fromString("rw-r--r--"));
            FacetRun problems = doctor(mirrorHome);
            assertThat(problems.exit()).isNotZero();
            assertThat(problems.out()).contains("DOC/checked differs from the upstream").contains("chmod 600")
                    .contains("fix:");
            Files.setPosixFilePermissions(mirrorHome.resolve("keys/instance.jwk"), PosixFilePermissions.fromString("rw-------"));

            TestPrimary.expect(200, primary.admin.delete("/rest/mirroring/latest/mirrorServers/" + mirrorId));
            try (TestMirror again = TestMirror.start(mirrorHome, primary, java.util.Map.of())) {
                await().atMost(Duration.ofSeconds(15)).until(() -> "REMOVED".equals(again.anonymous
                        .get("/rest/mirroring/latest/upstreamServer").json().path("state").asText()));
            }
            FacetRun removed = doctor(mirrorHome);
            assertThat(removed.exit()).isNotZero();
            assertThat(removed.out()).contains("removed this mirror").contains("restore");
        } finally {
            primary.close();
        }

        FacetRun down = doctor(mirrorHome);
        assertThat(down.exit()).isNotZero();
        assertThat(down.out()).contains("cannot be reached").contains(primaryUrl);
    }

    @Test
    void runningMirrorIsAskedForItsOwnViewAndNamesItsUnreachableUpstream() {
        Path mirrorHome = work.resolve("mirror");
        TestPrimary primary = TestPrimary.start(work.resolve("primary"));
        String primaryUrl = primary.baseUrl();
        try (TestMirror mirror = TestMirror.startAuthorized(mirrorHome, primary)) {
            FacetRun healthy = doctor(mirrorHome);
            assertThat(healthy.exit()).as(healthy.out()).isZero();
            assertThat(healthy.out()).contains("is running; it checks itself").contains("Healthy");

            primary.close();
            FacetRun down = doctor(mirrorHome);
            assertThat(down.exit()).isNotZero();
            assertThat(down.out()).contains("is running").contains("cannot be reached").contains(primaryUrl);
        } finally {
            primary.close();
        }
    }

    @Test
    void pendingAndRejectedRegistrationsAreFindingsWithTheStepThatFixesThem() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.start(work.resolve("mirror"), primary, java.util.Map.of())) {
            String requestId = mirror.awaitPendingRequest(primary);
            FacetRun pending = doctor(mirror.home);
            assertThat(pending.exit()).isNotZero();
            assertThat(pending.out()).contains("request " + requestId + " is still pending")
                    .contains(primary.baseUrl() + "/admin/mirrors?request=" + requestId);

            TestPrimary.expect(200, primary.admin.post("/rest/mirroring/latest/requests/" + requestId + "/reject", null));
            await().atMost(Duration.ofSeconds(15)).until(() -> "REJECTED".equals(mirror.anonymous
                    .get("/rest/mirroring/latest/upstreamServer").json().path("state").asText()));
            FacetRun rejected = doctor(mirror.home);
            assertThat(rejected.exit()).isNotZero();
            assertThat(rejected.out()).contains("rejected this mirror's request").contains("facet mirror reconnect");
        }
    }

    @Test
    void upstreamSpeakingNoTlsAnsweringAnErrorOrWithAnotherClockIsNamedWithItsFix() throws IOException {
        Path mirrorHome = work.resolve("mirror");
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("DOC");
            primary.createRepository("DOC", "checked", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            git.run(git.newWorkTree(work.resolve("source"), "a.txt"), "push", "-q",
                    primary.gitUrl("admin", TestPrimary.ADMIN_PASSWORD, "DOC", "checked"), "main").requireSuccess();
            TestMirror.startAuthorized(mirrorHome, primary).close();

            pointUpstreamAt(mirrorHome, primary.baseUrl().replace("http://", "https://"));
            FacetRun tls = doctor(mirrorHome);
            assertThat(tls.exit()).isNotZero();
            assertThat(tls.out()).contains("TLS handshake with the upstream https://").contains("certificate");

            pointUpstreamAt(mirrorHome, primary.baseUrl() + "/not-facet");
            FacetRun http = doctor(mirrorHome);
            assertThat(http.exit()).isNotZero();
            assertThat(http.out()).contains("answered HTTP 404").contains("facet.upstream.url");

            try (TamperingProxy slowClock = TamperingProxy.impostor(primary.baseUrl(), Duration.ofSeconds(-90))) {
                pointUpstreamAt(mirrorHome, slowClock.url());
                FacetRun skewed = doctor(mirrorHome);
                assertThat(skewed.exit()).as(skewed.out()).isNotZero();
                assertThat(skewed.out()).containsPattern("clock is (89|90|91) s ahead of the upstream's")
                        .contains("NTP").doesNotContain("differs from the upstream");
            }

            pointUpstreamAt(mirrorHome, primary.baseUrl());
            try (var packs = Files.list(mirrorHome.resolve("data/repositories/1/objects/pack"))) {
                for (Path pack : packs.toList()) {
                    Files.delete(pack);
                }
            }
            FacetRun damaged = doctor(mirrorHome);
            assertThat(damaged.exit()).isNotZero();
            assertThat(damaged.out()).contains("DOC/checked (id 1) has damaged files")
                    .contains("which is not in its objects").contains("move data/repositories/1 away");
        }
    }

    @Test
    void stoppedPrimaryIsCheckedAgainstItsDiskAndADamagedDatabaseIsNamed() throws IOException {
        Path primaryHome = work.resolve("primary");
        try (TestPrimary primary = TestPrimary.start(primaryHome)) {
            primary.createProject("DOC");
            primary.createRepository("DOC", "kept", false);
            FacetRun running = doctor(primaryHome);
            assertThat(running.exit()).as(running.out()).isZero();
            assertThat(running.out()).contains("The primary on " + primaryHome + " is running");
        }
        FacetRun healthy = doctor(primaryHome);
        assertThat(healthy.exit()).as(healthy.out()).isZero();

        Files.writeString(primaryHome.resolve("facet.properties"), "facet.doctor.min-free-mib=1000000000000\n");
        FacetRun full = doctor(primaryHome);
        assertThat(full.exit()).isNotZero();
        assertThat(full.out()).contains("MiB are free on the home's disk").contains("Free space or move the home");
        Files.delete(primaryHome.resolve("facet.properties"));

        Path keys = Files.move(primaryHome.resolve("keys"), work.resolve("keys-aside"));
        FacetRun keyless = doctor(primaryHome);
        assertThat(keyless.exit()).isNotZero();
        assertThat(keyless.out()).contains("The key files are missing").contains("facet restore");
        Files.move(keys, primaryHome.resolve("keys"));

        Path repository = primaryHome.resolve("data/repositories/1");
        Path aside = Files.move(repository, work.resolve("repository-aside"));
        FacetRun missing = doctor(primaryHome);
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.out()).contains("DOC/kept (id 1) is in the database but has no files").contains("facet restore");
        Files.move(aside, repository);

        Path database = primaryHome.resolve("data/db/facet.mv.db");
        byte[] garbage = new byte[(int) Files.size(database)];
        java.util.Arrays.fill(garbage, (byte) 0x5a);
        Files.write(database, garbage);
        FacetRun damaged = doctor(primaryHome);
        assertThat(damaged.exit()).isNotZero();
        assertThat(damaged.out()).contains("The database cannot be opened").contains("facet restore")
                .doesNotContain("\tat ");
    }

    @Test
    void theSshHostKeyFilesAndTheSshPortAreCheckedWithTheirFix() throws IOException {
        Path primaryHome = work.resolve("primary");
        try (TestPrimary primary = TestPrimary.start(primaryHome)) {
            FacetRun running = doctor(primaryHome);
            assertThat(running.exit()).as(running.out()).isZero();
        }
        Path ed25519 = primaryHome.resolve("keys/ssh_host_ed25519_key");
        Path rsa = primaryHome.resolve("keys/ssh_host_rsa_key");
        assertThat(doctor(primaryHome).exit()).isZero();

        Files.setPosixFilePermissions(ed25519, PosixFilePermissions.fromString("rw-r--r--"));
        FacetRun readable = doctor(primaryHome);
        assertThat(readable.exit()).isNotZero();
        assertThat(readable.out()).contains("The SSH host key " + ed25519 + " can be read by others (rw-r--r--)")
                .contains("chmod 600 " + ed25519);
        Files.setPosixFilePermissions(ed25519, PosixFilePermissions.fromString("rw-------"));

        byte[] key = Files.readAllBytes(rsa);
        Files.writeString(rsa, "-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n");
        FacetRun damaged = doctor(primaryHome);
        assertThat(damaged.exit()).isNotZero();
        assertThat(damaged.out()).contains("The SSH host key " + rsa + " is damaged").contains("Restore " + rsa)
                .doesNotContain("\tat ");
        Files.write(rsa, key);

        Path aside = Files.move(ed25519, work.resolve("ed25519-aside"));
        FacetRun missing = doctor(primaryHome);
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.out()).contains("The SSH host key file(s) [" + ed25519 + "] are missing")
                .contains("SSH clients that trusted this server will see a new host identity")
                .contains("Restore them from a backup");
        Files.move(aside, ed25519);

        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getLoopbackAddress())) {
            Files.writeString(primaryHome.resolve("facet.properties"), "facet.ssh.port=" + taken.getLocalPort() + "\n");
            FacetRun portTaken = doctor(primaryHome);
            assertThat(portTaken.exit()).isNotZero();
            assertThat(portTaken.out()).contains("Another program listens on 127.0.0.1:" + taken.getLocalPort())
                    .contains("facet.ssh.port");
        }
        FacetRun free = doctor(primaryHome);
        assertThat(free.exit()).as(free.out()).isZero();

        Files.writeString(primaryHome.resolve("facet.properties"), "facet.ssh.enabled=false\n");
        Files.delete(ed25519);
        assertThat(doctor(primaryHome).exit()).as("no SSH, no host keys needed").isZero();
    }

    private static void pointUpstreamAt(Path mirrorHome, String url) {
        try (var store = StoppedMirrorHome.openStopped(mirrorHome)) {
            store.inTransaction(tx -> {
                UpstreamLink link = tx.upstream().get().orElseThrow();
                tx.upstream().save(new UpstreamLink(url, link.state(), link.requestId(), link.upstreamInstanceId(),
                        link.upstreamPublicKey(), link.pinnedSequence(), link.pinnedHash(), link.appliedSequence(),
                        link.appliedHash()));
                return null;
            });
        }
    }
}
