package dev.facet.cli;

import dev.facet.core.file.Directories;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A primary restored from an old copy at the same URL cannot make a mirror forget what it has. */
class UpstreamPinningTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;

    @TempDir
    Path work;

    @Test
    void restoreOfThePrimaryFromAnOldCopyRaisesAnAlertAndKeepsNewerRefsUntilAccepted() throws IOException {
        Path home = work.resolve("primary");
        GitClient git = new GitClient(work.resolve("git-home"));
        Path source = git.newWorkTree(work.resolve("source"), "a.txt");
        TestPrimary primary = TestPrimary.start(home);
        int port = primary.instance.port();
        primary.createProject("PIN");
        primary.createRepository("PIN", "history", false);
        String url = primary.gitUrl("admin", ADMIN, "PIN", "history");
        git.run(source, "push", "-q", url, "main").requireSuccess();
        Map<String, String> samePort = Map.of("FACET_PORT", Integer.toString(port));
        try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary,
                Map.of(RawSettings.RECONCILE_SECONDS, "1"))) {
            primary.close();
            TestFiles.copyTree(home, work.resolve("old-copy"));
            primary = TestPrimary.start(home, null, samePort);

            git.run(source, "branch", "after-the-copy").requireSuccess();
            git.run(source, "push", "-q", url, "after-the-copy").requireSuccess();
            String mirrorUrl = mirror.gitUrl("admin", ADMIN, "PIN", "history");
            await().atMost(Duration.ofSeconds(15)).until(() -> git.lsRemote(work, mirrorUrl).stream()
                    .anyMatch(l -> l.endsWith("refs/heads/after-the-copy")));

            primary.close();
            Directories.deleteTree(home);
            TestFiles.copyTree(work.resolve("old-copy"), home);
            primary = TestPrimary.start(home, null, samePort);
            assertThat(git.lsRemote(work, url)).noneMatch(l -> l.endsWith("refs/heads/after-the-copy"));

            await().atMost(Duration.ofSeconds(30)).until(() -> mirror.anonymous
                    .get("/rest/mirroring/latest/upstreamServer").json().path("alerts").size() > 0);
            JsonNode alert = mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts").get(0);
            assertThat(alert.path("kind").asText()).isEqualTo("HISTORY_REWOUND");
            assertThat(mirror.anonymous.get("/status").json().path("alerts")).hasSize(1);
            assertThat(mirror.anonymous.get("/metrics").body()).contains("facet_mirror_upstream_alerts 1.0");
            FacetRun alerted = FacetRun.of("doctor", "--home", mirror.home.toString());
            assertThat(alerted.exit()).isNotZero();
            assertThat(alerted.out()).contains("Upstream alert HISTORY_REWOUND").contains("accept-upstream");

            // Reconciliation keeps running (additions still arrive) but deletes nothing while the alert is open.
            primary.createRepository("PIN", "added-after-restore", false);
            TestMirror watched = mirror;
            await().atMost(Duration.ofSeconds(15)).until(() -> watched.instance.store().inTransaction(tx ->
                    tx.repositories().find("PIN", "added-after-restore")).isPresent());
            assertThat(git.lsRemote(work, mirrorUrl)).anyMatch(l -> l.endsWith("refs/heads/after-the-copy"));

            TestPrimary.expect(200, mirror.anonymous.as("admin", ADMIN)
                    .post("/rest/mirroring/latest/upstreamServer/accept-upstream", null));
            assertThat(mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts")).isEmpty();
            FacetRun accepted = FacetRun.of("doctor", "--home", mirror.home.toString());
            assertThat(accepted.out()).doesNotContain("Upstream alert");
            await().atMost(Duration.ofSeconds(15)).until(() -> git.lsRemote(work, mirrorUrl).stream()
                    .noneMatch(l -> l.endsWith("refs/heads/after-the-copy")));
            assertThat(mirror.anonymous.as("admin", ADMIN).get("/rest/mirroring/latest/audit").json()
                    .findValuesAsText("action")).contains("ALERT", "ACCEPT_UPSTREAM");
        } finally {
            primary.close();
        }
    }

    @Test
    void anotherServerPutInThePrimarysPlaceRaisesAnAlertAndDeletesNothing() {
        GitClient git = new GitClient(work.resolve("git-home"));
        Path source = git.newWorkTree(work.resolve("source"), "a.txt");
        TestPrimary primary = TestPrimary.start(work.resolve("primary"));
        Map<String, String> samePort = Map.of("FACET_PORT", Integer.toString(primary.instance.port()));
        primary.createProject("PIN");
        primary.createRepository("PIN", "precious", false);
        git.run(source, "push", "-q", primary.gitUrl("admin", ADMIN, "PIN", "precious"), "main").requireSuccess();
        String head = git.run(source, "rev-parse", "HEAD").requireSuccess().stdout().strip();
        try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary,
                Map.of(RawSettings.RECONCILE_SECONDS, "1"))) {
            String pinned = primary.instance.instanceId();
            primary.close();
            primary = TestPrimary.start(work.resolve("impostor"), null, samePort);

            await().atMost(Duration.ofSeconds(30)).until(() -> mirror.anonymous
                    .get("/rest/mirroring/latest/upstreamServer").json().path("alerts").size() > 0);
            JsonNode alert = mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts").get(0);
            assertThat(alert.path("kind").asText()).isEqualTo("IDENTITY_CHANGED");
            boolean stillCarried = mirror.instance.store().inTransaction(tx ->
                    tx.repositories().find("PIN", "precious").isPresent());
            assertThat(stillCarried).as("the new server has no repositories; the mirror deleted none").isTrue();
            FacetRun doctor = FacetRun.of("doctor", "--home", mirror.home.toString());
            assertThat(doctor.exit()).isNotZero();
            assertThat(doctor.out()).contains("IDENTITY_CHANGED").contains("not the pinned instance " + pinned);
        } finally {
            primary.close();
        }
        try (Repository kept = new FileRepositoryBuilder().setGitDir(work.resolve("mirror/data/repositories/1").toFile())
                .setMustExist(true).build()) {
            assertThat(kept.exactRef("refs/heads/main").getObjectId().name()).isEqualTo(head);
        } catch (IOException e) {
            throw new AssertionError("the mirror's copy of PIN/precious is gone", e);
        }
    }

    @Test
    void anAnswerThePinnedPrimaryDidNotSignRaisesAnAlertAtTheNextExchange() throws IOException {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("PIN");
            primary.createRepository("PIN", "signed", false);
            Path mirrorHome = work.resolve("mirror");
            // Reconciliation, which also compares identities, is an hour away: only the answers can tell.
            Map<String, String> hourly = Map.of(RawSettings.RECONCILE_SECONDS, "3600");
            TestMirror.startAuthorized(mirrorHome, primary, hourly).close();

            try (ImpostorProxy impostor = new ImpostorProxy(primary.baseUrl(), Duration.ZERO);
                 TestMirror mirror = TestMirror.start(mirrorHome, impostor.url(), hourly)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> mirror.anonymous
                        .get("/rest/mirroring/latest/upstreamServer").json().path("alerts").size() > 0);
                JsonNode alert = mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts")
                        .get(0);
                assertThat(alert.path("kind").asText()).isEqualTo("IDENTITY_CHANGED");
                assertThat(alert.path("details").asText()).contains("without the pinned instance's signature");
                boolean stillCarried = mirror.instance.store().inTransaction(tx ->
                        tx.repositories().find("PIN", "signed").isPresent());
                assertThat(stillCarried).isTrue();
            }

            try (TestMirror direct = TestMirror.start(mirrorHome, primary, hourly)) {
                TestPrimary.expect(200, direct.anonymous.as("admin", ADMIN)
                        .post("/rest/mirroring/latest/upstreamServer/accept-upstream", null));
                assertThat(direct.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts"))
                        .isEmpty();
                direct.awaitState("SYNCHRONIZED");
                assertThat(direct.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts"))
                        .as("the real primary's answers carry its signature").isEmpty();
            }
        }
    }
}
