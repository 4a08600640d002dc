package dev.facet.cli;

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
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone on the path between a mirror and its primary, who can rewrite every message but holds
 * neither instance's key, tries to let a stranger in, to make the mirror believe it was removed,
 * to reuse an answer, and to change what the mirror asks. The mirror refuses each changed answer
 * and raises an alert that /status, the mirror's page and {@code facet doctor} show; the primary
 * refuses each changed request.
 */
class MirrorLinkTamperingTest {
    private static final String ADMIN = TestPrimary.ADMIN_PASSWORD;
    private static final String AUTHENTICATE = "/rest/mirroring/latest/authenticate";
    private static final String HEARTBEAT = "/rest/mirroring/latest/heartbeat";
    private static final String INSTANCE = "/rest/mirroring/latest/instance";
    private static final String ACCEPT_UPSTREAM = "/rest/mirroring/latest/upstreamServer/accept-upstream";
    /** What the primary says about an administrator: what the attacker would like it to say about anyone. */
    private static final String FORGED_YES =
            "{\"outcome\":\"OK\",\"user\":\"mallory\",\"access\":\"ADMIN\",\"message\":null,\"admin\":true}";

    @TempDir
    static Path work;
    static TestPrimary primary;
    static TamperingProxy proxy;
    static TestMirror mirror;
    static GitClient git;

    @BeforeAll
    static void mirrorBehindAProxy() throws IOException {
        primary = TestPrimary.start(work.resolve("primary"));
        primary.createProject("PRIV");
        primary.createRepository("PRIV", "secret", false);
        primary.createProject("OPEN");
        primary.createRepository("OPEN", "public", true);
        primary.createUser("eve", "eve-pass-1");
        git = new GitClient(work.resolve("git-home"));
        Path source = git.newWorkTree(work.resolve("source"), "a.txt");
        git.run(source, "push", "-q", primary.gitUrl("admin", ADMIN, "PRIV", "secret"), "main").requireSuccess();
        git.run(source, "push", "-q", primary.gitUrl("admin", ADMIN, "OPEN", "public"), "main").requireSuccess();
        // Reconciliation, which would fetch through the proxy, is an hour away: only the signed exchanges run.
        Map<String, String> hourly = Map.of(RawSettings.RECONCILE_SECONDS, "3600");
        Path home = work.resolve("mirror");
        TestMirror.startAuthorized(home, primary, hourly).close();
        proxy = new TamperingProxy(primary.baseUrl());
        mirror = TestMirror.start(home, proxy.url(), hourly);
        mirror.awaitState("SYNCHRONIZED");
    }

    @AfterEach
    void relayFaithfullyAndAcceptTheUpstreamAgain() {
        proxy.relayFaithfully();
        TestPrimary.expect(200, mirror.anonymous.as("admin", ADMIN).post(ACCEPT_UPSTREAM, null));
        assertThat(alerts()).isEmpty();
    }

    @AfterAll
    static void stop() throws IOException {
        mirror.close();
        proxy.close();
        primary.close();
    }

    private static JsonNode alerts() {
        return mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("alerts");
    }

    private static JsonNode awaitAlert(String kind) {
        AtomicReference<JsonNode> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (JsonNode alert : alerts()) {
                if (kind.equals(alert.path("kind").asText())) {
                    found.set(alert);
                    return true;
                }
            }
            return false;
        });
        return found.get();
    }

    /** Whether {@code user} gets PRIV/secret, which only an administrator may read, through the mirror. */
    private static boolean clones(String user, String password) {
        return git.run(work, "clone", "-q", mirror.gitUrl(user, password, "PRIV", "secret"),
                work.resolve("clone-" + System.nanoTime()).toString()).exitCode() == 0;
    }

    @Test
    void aCredentialCheckAnsweredYesOnTheWayLetsNobodyInAndRaisesAnAlertEverywhere() {
        proxy.rewriteAnswers((request, answer) -> request.target().equals(AUTHENTICATE)
                ? answer.withBody(FORGED_YES) : answer);

        assertThat(clones("mallory", "guess-1")).as("a user the primary does not know clones a private repository")
                .isFalse();
        assertThat(mirror.anonymous.as("mallory", "guess-1").get("/rest/mirroring/latest/audit").status())
                .as("an admin-only action on the mirror").isNotEqualTo(200);

        JsonNode alert = awaitAlert("ANSWER_ALTERED");
        assertThat(alert.path("details").asText()).contains(AUTHENTICATE).contains("changed on its way");
        assertThat(mirror.anonymous.get("/status").json().path("alerts")).extracting(a -> a.path("kind").asText())
                .contains("ANSWER_ALTERED");
        assertThat(mirror.anonymous.get("/mirror").body()).contains("ANSWER_ALTERED");
        FacetRun doctor = FacetRun.of("doctor", "--home", mirror.home.toString());
        assertThat(doctor.exit()).isNotZero();
        assertThat(doctor.out()).contains("Upstream alert ANSWER_ALTERED");
    }

    @Test
    void aStatusChangedOnTheWayIsNotBelievedAndTheMirrorStaysInstalled() {
        proxy.rewriteAnswers((request, answer) -> request.target().equals(HEARTBEAT) ? answer.withStatus(404) : answer);

        JsonNode alert = awaitAlert("ANSWER_ALTERED");

        assertThat(alert.path("details").asText()).contains(HEARTBEAT).contains("arrived with status 404");
        assertThat(mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("state").asText())
                .as("a 404 to a heartbeat would mean the primary no longer knows this mirror").isEqualTo("INSTALLED");
    }

    @Test
    void anAnswerToAnotherRequestIsNotTakenForTheAnswerToThisOne() {
        AtomicReference<TamperingProxy.Answer> adminsYes = new AtomicReference<>();
        proxy.rewriteAnswers((request, answer) -> {
            if (!request.target().equals(AUTHENTICATE)) {
                return answer;
            }
            if (request.bodyText().contains("\"admin\"") && answer.status() == 200) {
                adminsYes.set(answer);
                return answer;
            }
            return adminsYes.get() == null ? answer : adminsYes.get();
        });
        assertThat(clones("admin", ADMIN)).isTrue();
        assertThat(adminsYes.get()).isNotNull();

        assertThat(clones("mallory", "guess-2")).as("the administrator's yes, replayed for mallory").isFalse();

        JsonNode alert = awaitAlert("ANSWER_ALTERED");
        assertThat(alert.path("details").asText()).contains("another request");
    }

    @Test
    void aRequestChangedOnTheWayIsRefusedByThePrimaryAndReportedByTheMirror() {
        // Eve, a user with no grant on PRIV, asks for the private repository; the proxy asks the primary
        // about a public one instead, which Eve may read.
        proxy.rewriteRequests(request -> request.target().equals(AUTHENTICATE)
                ? request.withBody(request.bodyText().replace("\"project\":\"PRIV\"", "\"project\":\"OPEN\"")
                        .replace("\"slug\":\"secret\"", "\"slug\":\"public\""))
                : request);

        assertThat(clones("eve", "eve-pass-1")).as("a user without a grant clones a private repository").isFalse();

        JsonNode alert = awaitAlert("REQUEST_ALTERED");
        assertThat(alert.path("details").asText()).contains(AUTHENTICATE).contains("arrived changed");
    }

    @Test
    void aRequestSentToAnotherPathIsRefusedByThePrimary() {
        // The heartbeat's signed token, spent on the credential check instead.
        proxy.rewriteRequests(request -> request.target().equals(HEARTBEAT) ? request.withTarget(AUTHENTICATE) : request);

        JsonNode alert = awaitAlert("REQUEST_ALTERED");

        assertThat(alert.path("details").asText()).contains("signed for POST " + HEARTBEAT);
    }

    @Test
    void acceptingTheUpstreamWhileAProxyPresentsItsOwnIdentityKeepsThePinAndLetsNobodyIn() throws Exception {
        JsonNode primaryIdentity = primary.anonymous.get(INSTANCE).json();
        String primaryFingerprint = primaryIdentity.path("keyFingerprint").asText();
        JsonNode link = mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json();
        assertThat(link.path("pinnedKeyFingerprint").asText()).as("the primary shows the fingerprint the mirror pinned")
                .isEqualTo(primaryFingerprint);
        // The lure: one changed answer raises an alert whose fix is accept-upstream.
        proxy.rewriteAnswers((request, answer) -> request.target().equals(HEARTBEAT) ? answer.withStatus(404) : answer);
        awaitAlert("ANSWER_ALTERED");
        // Then everything is relayed faithfully (the administrator's credential check included) except the
        // unsigned identity, which the proxy swaps for its own; and it signs credential checks with its own key.
        InstanceIdentity impostor = InstanceIdentity.generate(new SecureRandom());
        String impostorFingerprint = new InstancePublicKey(impostor.publicKeyJwk()).fingerprint();
        byte[] impostorIdentity = new ObjectMapper().writeValueAsBytes(Map.of("id", impostor.id(),
                "publicKey", impostor.publicKeyJwk(), "keyFingerprint", impostorFingerprint));
        RequestTokens impostorTokens = new RequestTokens(Clock.systemUTC(), new SecureRandom(),
                new ReplayGuard(Clock.systemUTC(), ReplayGuard.DEFAULT_CAPACITY));
        byte[] yes = FORGED_YES.getBytes(StandardCharsets.UTF_8);
        proxy.rewriteAnswers((request, answer) -> {
            if (request.target().equals(INSTANCE)) {
                return new TamperingProxy.Answer(200, "application/json", Optional.empty(), impostorIdentity);
            }
            if (request.target().equals(AUTHENTICATE) && request.bodyText().contains("\"mallory\"")) {
                RequestTokens.Requester requester = RequestTokens.requesterOf(request.authorization().substring(7))
                        .orElseThrow();
                return new TamperingProxy.Answer(200, "application/json", Optional.of(impostorTokens.signAnswer(impostor,
                        requester.instanceId(), requester.requestReference(), AnswerBinding.of(200, yes))), yes);
            }
            return answer;
        });
        RestClient admin = mirror.anonymous.as("admin", ADMIN);

        RestClient.Response blind = admin.post(ACCEPT_UPSTREAM, null);
        RestClient.Response withThePrimarysFingerprint = admin.post(ACCEPT_UPSTREAM,
                "{\"keyFingerprint\":\"" + primaryFingerprint + "\"}");

        assertThat(blind.status()).as(blind.body()).isEqualTo(409);
        assertThat(blind.body()).contains(impostorFingerprint).contains(primaryFingerprint);
        assertThat(withThePrimarysFingerprint.status()).as(withThePrimarysFingerprint.body()).isEqualTo(409);
        assertThat(withThePrimarysFingerprint.body()).contains(impostorFingerprint).contains(primaryFingerprint);
        JsonNode after = mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json();
        assertThat(after.path("pinnedInstanceId").asText()).isEqualTo(primaryIdentity.path("id").asText());
        assertThat(after.path("pinnedKeyFingerprint").asText()).isEqualTo(primaryFingerprint);
        assertThat(clones("mallory", "anything")).as("a made-up user, vouched for by the proxy's own key").isFalse();
        assertThat(mirror.anonymous.as("mallory", "anything").get("/rest/mirroring/latest/audit").status())
                .isNotEqualTo(200);
    }

    @Test
    void aFingerprintThatIsNotTheFullOneIsRefusedAsBadInput() {
        RestClient admin = mirror.anonymous.as("admin", ADMIN);

        RestClient.Response shortForm = admin.post(ACCEPT_UPSTREAM, "{\"keyFingerprint\":\"3f2a:91bc:0d4e:77a1\"}");
        RestClient.Response notHex = admin.post(ACCEPT_UPSTREAM, "{\"keyFingerprint\":\"not a fingerprint\"}");

        assertThat(shortForm.status()).isEqualTo(400);
        assertThat(shortForm.body()).contains("full one (64 hex digits)");
        assertThat(notHex.status()).isEqualTo(400);
        assertThat(notHex.body()).contains("hex digits");
    }
}
