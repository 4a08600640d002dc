package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure Facet exists to end, and every genuine recovery in one step: a copy of production
 * cannot remove a production mirror; a removal by the real primary is undone by restore or
 * reconnect, fetching only what changed.
 */
class MirrorLifecycleTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;
    private static final Pattern FETCHED = Pattern.compile("^facet_sync_fetched_bytes_total (\\S+)", Pattern.MULTILINE);

    @TempDir
    Path work;

    private static String path(TestMirror mirror) {
        return "/rest/mirroring/latest/mirrorServers/" + mirror.instance.instanceId();
    }

    private static String shownState(TestPrimary primary, TestMirror mirror) {
        return primary.admin.get(path(mirror)).json().path("state").asText();
    }

    private static String upstreamState(TestMirror mirror) {
        return mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("state").asText();
    }

    private static double fetchedBytes(TestMirror mirror) {
        return fetchedBytes(mirror.anonymous);
    }

    /** The bytes a mirror node fetched from its upstream since it started, as its metrics count them. */
    static double fetchedBytes(RestClient node) {
        Matcher matcher = FETCHED.matcher(node.get("/metrics").body());
        assertThat(matcher.find()).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    /** A repository of some size, so that a delta fetch is clearly smaller than the whole. */
    static String seedLargeRepository(TestPrimary primary, GitClient git, Path source) throws IOException {
        primary.createProject("LIFE");
        primary.createRepository("LIFE", "big", false);
        git.newWorkTree(source);
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 40; i++) {
            byte[] noise = new byte[16 * 1024];
            random.nextBytes(noise);
            Files.writeString(source.resolve("file-" + i + ".txt"), java.util.Base64.getEncoder().encodeToString(noise));
        }
        git.run(source, "add", ".").requireSuccess();
        git.run(source, "commit", "-q", "-m", "a repository of some size").requireSuccess();
        String url = primary.gitUrl("admin", ADMIN, "LIFE", "big");
        git.run(source, "push", "-q", url, "main").requireSuccess();
        return url;
    }

    @Test
    void stagingCopyOfProductionCannotRemoveAProductionMirror() throws IOException {
        Path productionHome = work.resolve("production");
        GitClient git = new GitClient(work.resolve("git-home"));
        Path source = work.resolve("source");
        TestPrimary production = TestPrimary.start(productionHome);
        int port = production.instance.port();
        String url = seedLargeRepository(production, git, source);
        try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), production)) {
            production.close();
            TestFiles.copyTree(productionHome, work.resolve("staging"));
            production = TestPrimary.start(productionHome, null, Map.of("FACET_PORT", Integer.toString(port)));

            try (TestPrimary staging = TestPrimary.start(work.resolve("staging"))) {
                JsonNode listedInStaging = staging.admin.get("/rest/mirroring/latest/mirrorServers").json().path("values");
                assertThat(listedInStaging).extracting(m -> m.path("id").asText())
                        .containsExactly(mirror.instance.instanceId());
                TestPrimary.expect(200, staging.admin.delete(path(mirror)));
                assertThat(staging.admin.get(path(mirror)).json().path("state").asText()).isEqualTo("REMOVED");

                git.commitFile(source, "after-staging-delete.txt", "production still replicates\n");
                git.run(source, "push", "-q", url, "main").requireSuccess();
                String head = git.run(source, "rev-parse", "HEAD").requireSuccess().stdout().strip();

                await().atMost(Duration.ofSeconds(20)).until(() -> git.lsRemote(work,
                        mirror.gitUrl("admin", ADMIN, "LIFE", "big")).contains(head + "\trefs/heads/main"));
                assertThat(upstreamState(mirror)).isEqualTo("INSTALLED");
                TestPrimary prod = production;
                await().atMost(Duration.ofSeconds(15)).until(() -> "SYNCHRONIZED".equals(shownState(prod, mirror)));
            }
        } finally {
            production.close();
        }
    }

    @Test
    void deleteThenRestoreFetchesOnlyWhatChanged() throws IOException {
        GitClient git = new GitClient(work.resolve("git-home"));
        Path source = work.resolve("source");
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            String url = seedLargeRepository(primary, git, source);
            try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
                double fullFetch = fetchedBytes(mirror);
                assertThat(fullFetch).isGreaterThan(400_000);

                JsonNode deleted = TestPrimary.expect(200, primary.admin.delete(path(mirror))).json();
                assertThat(deleted.path("state").asText()).isEqualTo("REMOVED");
                assertThat(deleted.path("purgeDate").asLong()).isGreaterThan(System.currentTimeMillis()
                        + Duration.ofDays(6).toMillis());
                await().atMost(Duration.ofSeconds(15)).until(() -> "REMOVED".equals(upstreamState(mirror)));
                assertThat(mirror.anonymous.get("/status").status()).isEqualTo(503);
                assertThat(mirror.home.resolve("data/repositories/1")).isDirectory();

                git.commitFile(source, "while-removed.txt", "a small change while the mirror was removed\n");
                git.run(source, "push", "-q", url, "main").requireSuccess();
                String head = git.run(source, "rev-parse", "HEAD").requireSuccess().stdout().strip();
                String keptHash = mirror.instance.store().inTransaction(tx -> tx.repositories().find("LIFE", "big"))
                        .orElseThrow().localRefsHash();
                GitClient.Result whileRemoved = git.run(work, "ls-remote", mirror.gitUrl("admin", ADMIN, "LIFE", "big"));
                assertThat(whileRemoved.exitCode()).isNotZero();
                assertThat(whileRemoved.stderr()).contains("503");

                TestPrimary.expect(200, primary.admin.post(path(mirror) + "/restore", null));
                mirror.awaitState("SYNCHRONIZED");
                assertThat(upstreamState(mirror)).isEqualTo("INSTALLED");
                assertThat(git.lsRemote(work, mirror.gitUrl("admin", ADMIN, "LIFE", "big")))
                        .contains(head + "\trefs/heads/main");
                assertThat(mirror.instance.store().inTransaction(tx -> tx.repositories().find("LIFE", "big"))
                        .orElseThrow().localRefsHash()).isNotEqualTo(keptHash);
                double delta = fetchedBytes(mirror) - fullFetch;
                assertThat(delta).as("bytes fetched after restore").isPositive().isLessThan(fullFetch / 10);
                assertThat(primary.admin.get("/rest/mirroring/latest/requests").json().path("values")).hasSize(1);

                List<String> actions = primary.admin.get("/rest/mirroring/latest/audit").json().path("values")
                        .findValuesAsText("action");
                assertThat(actions).containsSubsequence("RESTORE", "DELETE", "ACCEPT", "REQUEST");
                List<String> mirrorActions = mirror.anonymous.as("admin", ADMIN).get("/rest/mirroring/latest/audit")
                        .json().findValuesAsText("action");
                assertThat(mirrorActions).containsSubsequence("RESTORE", "REMOVED", "PIN", "REQUEST");
            }
        }
    }

    @Test
    void deleteThenReconnectAndAcceptResumesWithTheSameIdentityAndData() throws IOException {
        GitClient git = new GitClient(work.resolve("git-home"));
        Path source = work.resolve("source");
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            String url = seedLargeRepository(primary, git, source);
            try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
                double fullFetch = fetchedBytes(mirror);
                TestPrimary.expect(200, primary.admin.delete(path(mirror)));
                await().atMost(Duration.ofSeconds(15)).until(() -> "REMOVED".equals(upstreamState(mirror)));
                git.commitFile(source, "while-removed.txt", "pushed while removed\n");
                git.run(source, "push", "-q", url, "main").requireSuccess();

                mirror.reconnectAsPrimaryAdmin();
                assertThat(mirror.asPrimaryAdmin().post("/rest/mirroring/latest/upstreamServer/reconnect", null)
                        .status()).isEqualTo(409);
                await().atMost(Duration.ofSeconds(15)).until(() -> "PENDING".equals(upstreamState(mirror)));

                mirror.authorizeOn(primary);
                assertThat(upstreamState(mirror)).isEqualTo("INSTALLED");
                assertThat(shownStateEventually(primary, mirror)).isEqualTo("SYNCHRONIZED");
                assertThat(fetchedBytes(mirror) - fullFetch).isLessThan(fullFetch / 10);
                assertThat(primary.admin.get("/rest/mirroring/latest/audit").json().path("values")
                        .findValuesAsText("action")).contains("RECONNECT");
            }
        }
    }

    private static String shownStateEventually(TestPrimary primary, TestMirror mirror) {
        await().atMost(Duration.ofSeconds(15)).until(() -> "SYNCHRONIZED".equals(shownState(primary, mirror)));
        return shownState(primary, mirror);
    }

    @Test
    void removalBecomesFinalAfterTheGracePeriodAndReconnectStillWorks() throws IOException {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null,
                Map.of("FACET_MIRROR_REMOVAL_GRACE_SECONDS", "1"))) {
            primary.createProject("LIFE");
            primary.createRepository("LIFE", "small", false);
            try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
                TestPrimary.expect(200, primary.admin.delete(path(mirror)));
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        primary.admin.get(path(mirror)).status() == 404);
                assertThat(primary.admin.get("/rest/mirroring/latest/audit").json().path("values")
                        .findValuesAsText("action")).contains("PURGE");
                await().atMost(Duration.ofSeconds(15)).until(() -> "REMOVED".equals(upstreamState(mirror)));
                assertThat(primary.admin.post(path(mirror) + "/restore", null).status()).isEqualTo(404);

                mirror.reconnectAsPrimaryAdmin();
                mirror.authorizeOn(primary);
            }
        }
    }

    @Test
    void reconnectOfAnInstalledMirrorIsRefusedAndTheAuditNeedsAnAdmin() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
            assertThat(mirror.anonymous.post("/rest/mirroring/latest/upstreamServer/reconnect", null).status())
                    .isEqualTo(401);
            RestClient.Response refused = mirror.asPrimaryAdmin().post("/rest/mirroring/latest/upstreamServer/reconnect",
                    null);
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.firstError()).contains("INSTALLED");
            assertThat(mirror.anonymous.get("/rest/mirroring/latest/audit").status()).isEqualTo(401);
            primary.createUser("someone", "someone-pass-1");
            assertThat(mirror.anonymous.as("someone", "someone-pass-1").get("/rest/mirroring/latest/audit").status())
                    .isEqualTo(403);
            assertThat(primary.admin.post(path(mirror) + "/restore", null).status()).isEqualTo(409);
        }
    }

    @Test
    void afterARestoreStatusSaysUnavailableUntilTheFirstReconciliationEnds() throws Exception {
        Map<String, String> hourly = Map.of(RawSettings.RECONCILE_SECONDS, "3600");
        java.util.concurrent.CountDownLatch reconciliationMayAnswer = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean holdReconciliation = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger heldAnswers = new java.util.concurrent.atomic.AtomicInteger();
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TamperingProxy slowPath = new TamperingProxy(primary.baseUrl())) {
            primary.createProject("LIFE");
            primary.createRepository("LIFE", "small", false);
            slowPath.rewriteAnswers((request, answer) -> {
                if (holdReconciliation.get() && request.target().contains("/selection-digest")) {
                    heldAnswers.incrementAndGet();
                    try {
                        reconciliationMayAnswer.await(20, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return answer;
            });
            try (TestMirror mirror = TestMirror.start(work.resolve("mirror"), slowPath.url(), hourly)) {
                mirror.authorizeOn(primary);
                TestPrimary.expect(200, primary.admin.delete(path(mirror)));
                await().atMost(Duration.ofSeconds(15)).until(() -> "REMOVED".equals(upstreamState(mirror)));
                holdReconciliation.set(true);

                TestPrimary.expect(200, primary.admin.post(path(mirror) + "/restore", null));
                await().atMost(Duration.ofSeconds(15)).until(() -> "INSTALLED".equals(upstreamState(mirror)));
                await().atMost(Duration.ofSeconds(15)).until(() -> heldAnswers.get() > 0);

                RestClient.Response meanwhile = mirror.anonymous.get("/status");
                assertThat(meanwhile.status()).as("restored, but the upstream's states are not read yet: "
                        + meanwhile.body()).isEqualTo(503);
                assertThat(meanwhile.json().path("state").asText()).isEqualTo("SYNCHRONIZING");
                reconciliationMayAnswer.countDown();
                mirror.awaitState("SYNCHRONIZED");
                assertThat(mirror.anonymous.get("/status").status()).isEqualTo(200);
            }
        }
    }
}
