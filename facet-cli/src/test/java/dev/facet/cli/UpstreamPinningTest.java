package dev.facet.cli;

import dev.facet.core.file.Directories;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.identity.AnswerBinding;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.InstancePublicKey;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestTokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A primary restored from an old copy at the same URL cannot make a mirror forget what it has. */
class UpstreamPinningTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;
    private static final String INSTANCE = "/rest/mirroring/latest/instance";

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
            String pinnedKey = primary.anonymous.get(INSTANCE).json().path("keyFingerprint").asText();
            primary.close();
            primary = TestPrimary.start(work.resolve("impostor"), null, samePort);
            String presentedKey = primary.anonymous.get(INSTANCE).json().path("keyFingerprint").asText();

            await().atMost(Duration.ofSeconds(30)).until(() -> mirror.anonymous
                    .get("/rest/mirroring/latest/upstreamServer").json().path("alerts").size() > 0);
            JsonNode alert = mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts").get(0);
            assertThat(alert.path("kind").asText()).isEqualTo("IDENTITY_CHANGED");
            boolean stillCarried = mirror.instance.store().inTransaction(tx ->
                    tx.repositories().find("PIN", "precious").isPresent());
            assertThat(stillCarried).as("the new server has no repositories; the mirror deleted none").isTrue();
            FacetRun doctor = FacetRun.of("doctor", "--home", mirror.home.toString());
            assertThat(doctor.exit()).isNotZero();
            assertThat(doctor.out()).contains("IDENTITY_CHANGED").contains("the pinned instance " + pinned)
                    .contains(pinnedKey).contains(presentedKey);
            // What the server presents is read at each reconciliation (every second here), the alert may come first.
            await().atMost(Duration.ofSeconds(10)).until(() -> mirror.anonymous.get("/mirror").body()
                    .contains("id=\"presented-key\">" + presentedKey));
            assertThat(mirror.anonymous.get("/mirror").body()).as("pinned and presented, side by side")
                    .contains("id=\"pinned-key\">" + pinnedKey).contains("id=\"presented-key\">" + presentedKey);
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

            try (TamperingProxy impostor = TamperingProxy.impostor(primary.baseUrl(), Duration.ZERO);
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

    @Test
    void acceptingFromTheCommandLineWhileAProxyPresentsItsOwnIdentityPinsNothingAndLetsNobodyIn() throws Exception {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"))) {
            primary.createProject("PIN");
            primary.createRepository("PIN", "secret", false);
            GitClient git = new GitClient(work.resolve("git-home"));
            Path source = git.newWorkTree(work.resolve("source"), "a.txt");
            git.run(source, "push", "-q", primary.gitUrl("admin", ADMIN, "PIN", "secret"), "main").requireSuccess();
            JsonNode primaryIdentity = primary.anonymous.get(INSTANCE).json();
            String primaryFingerprint = new InstancePublicKey(primaryIdentity.path("publicKey").asText()).fingerprint();
            Map<String, String> hourly = Map.of(RawSettings.RECONCILE_SECONDS, "3600");
            Path home = work.resolve("mirror");
            TestMirror.startAuthorized(home, primary, hourly).close();
            InstanceIdentity impostor = InstanceIdentity.generate(new SecureRandom());
            String impostorFingerprint = new InstancePublicKey(impostor.publicKeyJwk()).fingerprint();

            try (TamperingProxy proxy = new TamperingProxy(primary.baseUrl())) {
                impersonate(proxy, impostor);
                // The mirror starts with the proxy as its upstream, from its settings file.
                Files.writeString(home.resolve("facet.properties"), RawSettings.UPSTREAM_URL + "=" + proxy.url() + "\n");

                FacetRun blind = FacetRun.of("mirror", "accept-upstream", "--home", home.toString());
                FacetRun withThePrimarysFingerprint = FacetRun.of("mirror", "accept-upstream", "--home", home.toString(),
                        "--fingerprint", primaryFingerprint);
                try (TestMirror mirror = TestMirror.start(home, proxy.url(), hourly)) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> mirror.anonymous
                            .get("/rest/mirroring/latest/upstreamServer").json().path("alerts").size() > 0);
                    JsonNode link = mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json();
                    boolean malloryClones = git.run(work, "clone", "-q", mirror.gitUrl("mallory", "anything", "PIN",
                            "secret"), work.resolve("stolen").toString()).exitCode() == 0;

                    SoftAssertions.assertSoftly(softly -> {
                        softly.assertThat(blind.exit()).as(blind.out()).isNotZero();
                        softly.assertThat(blind.out()).contains(impostorFingerprint).contains(primaryFingerprint);
                        softly.assertThat(withThePrimarysFingerprint.exit()).as(withThePrimarysFingerprint.out())
                                .isNotZero();
                        softly.assertThat(withThePrimarysFingerprint.out()).contains(impostorFingerprint)
                                .contains(primaryFingerprint);
                        softly.assertThat(link.path("pinnedInstanceId").asText()).as("the pinned instance")
                                .isEqualTo(primaryIdentity.path("id").asText());
                        softly.assertThat(link.path("alerts").findValuesAsText("kind")).contains("IDENTITY_CHANGED");
                        softly.assertThat(malloryClones).as("a made-up user, vouched for by the proxy's own key")
                                .isFalse();
                    });
                }
            }
        }
    }

    @Test
    void aPrimaryRestoredWithNewKeysIsAcceptedOnlyWithTheFingerprintItShows() {
        TestPrimary primary = TestPrimary.start(work.resolve("primary"));
        Map<String, String> samePort = Map.of("FACET_PORT", Integer.toString(primary.instance.port()));
        primary.createProject("PIN");
        primary.createRepository("PIN", "kept", false);
        Map<String, String> hourly = Map.of(RawSettings.RECONCILE_SECONDS, "3600");
        Path home = work.resolve("mirror");
        try {
            TestMirror.startAuthorized(home, primary, hourly).close();
            String oldFingerprint = primary.anonymous.get(INSTANCE).json().path("keyFingerprint").asText();
            primary.close();
            primary = TestPrimary.start(work.resolve("restored-with-new-keys"), null, samePort);
            JsonNode restored = primary.anonymous.get(INSTANCE).json();
            String newFingerprint = restored.path("keyFingerprint").asText();
            assertThat(newFingerprint).isEqualTo(new InstancePublicKey(restored.path("publicKey").asText()).fingerprint());

            FacetRun blind = FacetRun.of("mirror", "accept-upstream", "--home", home.toString());
            assertThat(blind.exit()).isNotZero();
            assertThat(blind.out()).contains(newFingerprint).contains(oldFingerprint).contains("--fingerprint");
            FacetRun shortForm = FacetRun.of("mirror", "accept-upstream", "--home", home.toString(),
                    "--fingerprint", newFingerprint.substring(0, 16));
            assertThat(shortForm.exit()).isNotZero();
            assertThat(shortForm.out()).contains("full one (64 hex digits)");

            FacetRun accepted = FacetRun.of("mirror", "accept-upstream", "--home", home.toString(),
                    "--fingerprint", newFingerprint.toUpperCase(java.util.Locale.ROOT));
            assertThat(accepted.exit()).as(accepted.out()).isZero();
            assertThat(accepted.out()).contains("re-pinned to instance " + restored.path("id").asText());

            try (TestMirror mirror = TestMirror.start(home, primary, hourly)) {
                JsonNode link = mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json();
                assertThat(link.path("pinnedInstanceId").asText()).isEqualTo(restored.path("id").asText());
                assertThat(link.path("pinnedKeyFingerprint").asText()).isEqualTo(newFingerprint);
                assertThat(mirror.anonymous.get("/mirror").body()).contains(newFingerprint);
            }
        } finally {
            primary.close();
        }
    }

    /** Makes the proxy present {@code impostor}'s identity and vouch, with its key, for anyone named mallory. */
    private static void impersonate(TamperingProxy proxy, InstanceIdentity impostor) throws IOException {
        byte[] identity = new ObjectMapper().writeValueAsBytes(Map.of("id", impostor.id(),
                "publicKey", impostor.publicKeyJwk()));
        RequestTokens tokens = new RequestTokens(Clock.systemUTC(), new SecureRandom(),
                new ReplayGuard(Clock.systemUTC(), ReplayGuard.DEFAULT_CAPACITY));
        byte[] yes = "{\"outcome\":\"OK\",\"user\":\"mallory\",\"access\":\"ADMIN\",\"message\":null,\"admin\":true}"
                .getBytes(StandardCharsets.UTF_8);
        proxy.rewriteAnswers((request, answer) -> {
            if (request.target().equals(INSTANCE)) {
                return new TamperingProxy.Answer(200, "application/json", Optional.empty(), identity);
            }
            if (request.target().equals("/rest/mirroring/latest/authenticate") && request.authorization() != null) {
                RequestTokens.Requester requester = RequestTokens.requesterOf(request.authorization().substring(7))
                        .orElseThrow();
                return new TamperingProxy.Answer(200, "application/json", Optional.of(tokens.signAnswer(impostor,
                        requester.instanceId(), requester.requestReference(), AnswerBinding.of(200, yes))), yes);
            }
            return answer;
        });
    }
}
