package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.mirror.MirrorRequest;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.mirror.RequestState;
import dev.facet.store.JdbcStore;
import dev.facet.mirror.UpstreamUnavailable;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * A mirror cannot be taken over by squatting its id: a request under a known mirror id signed by
 * another key is refused, the real mirror's link leads only to its own request, only an
 * administrator of the primary may make a mirror ask again, a Restore reaches a mirror that is
 * asking again, and one address cannot flood the primary with requests.
 */
class MirrorSquattingTest {
    private static final String REQUESTS = "/rest/mirroring/latest/requests";

    @TempDir
    Path work;

    private static String serverPath(TestMirror mirror) {
        return "/rest/mirroring/latest/mirrorServers/" + mirror.instance.instanceId();
    }

    private static JsonNode pendingRequests(TestPrimary primary) {
        return primary.admin.get(REQUESTS + "?state=PENDING").json().path("values");
    }

    private static String keyFingerprintOf(TestPrimary primary, TestMirror mirror) {
        return primary.admin.get(serverPath(mirror)).json().path("keyFingerprint").asText();
    }

    @Test
    void aRequestUnderARegisteredMirrorsIdWithAnotherKeyIsRefusedAndReachesNothing() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
            String mirrorId = mirror.instance.instanceId();
            String registeredKey = keyFingerprintOf(primary, mirror);
            ForeignServer squatter = ForeignServer.claiming(mirrorId, work.resolve("squatter-keys"), primary);

            UpstreamUnavailable refused = catchThrowableOfType(UpstreamUnavailable.class,
                    () -> squatter.requestAuthorization("edge-mirror", "http://squatter.example:7990"));

            assertThat(refused).as("the squatting request must be refused").isNotNull();
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.getMessage()).contains(registeredKey).contains(squatter.keyFingerprint());
            assertThat(pendingRequests(primary)).isEmpty();
            assertThat(keyFingerprintOf(primary, mirror)).isEqualTo(registeredKey);
            assertThat(primary.admin.get("/rest/mirroring/latest/audit").json().path("values")
                    .findValuesAsText("action")).contains("REFUSE");

            String realRequest = mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json()
                    .path("requestId").asText();
            UpstreamUnavailable lookup = catchThrowableOfType(UpstreamUnavailable.class,
                    () -> squatter.authorizationStatus(realRequest));
            assertThat(lookup).as("the real mirror's request must not be readable with another key").isNotNull();
            assertThat(lookup.status()).isEqualTo(401);
            UpstreamUnavailable fetch = catchThrowableOfType(UpstreamUnavailable.class, squatter::fetchToken);
            assertThat(fetch).as("another key must not get fetch tokens").isNotNull();
            assertThat(fetch.status()).isEqualTo(401);
        }
    }

    @Test
    void aRequestWithAnotherKeyFiledBeforeIdsWereBoundToKeysCannotBeAccepted() throws IOException {
        Path home = work.resolve("primary");
        String mirrorId;
        String registeredKey;
        TestPrimary primary = TestPrimary.start(home);
        try (TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
            mirrorId = mirror.instance.instanceId();
            registeredKey = keyFingerprintOf(primary, mirror);
        } finally {
            primary.close();
        }
        // Such a request is refused now; an older primary may have recorded one, so put it in its database.
        InstanceIdentity squatter = InstanceIdentity.generate(new SecureRandom());
        try (JdbcStore store = JdbcStore.open(PrimarySettings.load(home, Map.of(), Map.of()).database())) {
            store.useTransaction(tx -> tx.mirrorRequests().create(new MirrorRequest("legacy-squat", mirrorId,
                    "edge-mirror", "http://squatter.example:7990", squatter.publicKeyJwk(), MirrorType.SINGLE,
                    RequestState.PENDING, Instant.now(), null, null, "192.0.2.9")));
        }

        try (TestPrimary again = TestPrimary.start(home)) {
            RestClient.Response accepted = again.admin.post(REQUESTS + "/legacy-squat/accept", null);

            assertThat(accepted.status()).isEqualTo(409);
            assertThat(accepted.firstError()).contains(registeredKey).contains(squatter.publicKey().fingerprint());
            assertThat(again.admin.get("/rest/mirroring/latest/mirrorServers/" + mirrorId).json()
                    .path("keyFingerprint").asText()).isEqualTo(registeredKey);
            assertThat(again.admin.get(REQUESTS + "/legacy-squat").json().path("state").asText()).isEqualTo("PENDING");

            try (Browser browser = new Browser(work.resolve("browser"))) {
                browser.open(again.baseUrl() + "/admin/mirrors");
                browser.signIn("admin", TestPrimary.ADMIN_PASSWORD);
                browser.awaitText("h1", "Mirrors");
                String row = "tr[data-request-id='legacy-squat']";
                assertThat(browser.text(row + " [data-field=mirrorId]")).isEqualTo(mirrorId);
                assertThat(browser.text(row + " [data-field=key]")).isEqualTo(shortForm(squatter.publicKey().fingerprint()));
                assertThat(browser.text(row + " .key-differs")).contains(shortForm(registeredKey));
                assertThat(browser.driver.findElements(By.cssSelector(row + " button.authorize"))).isEmpty();
                assertThat(browser.text("tr[data-mirror-id='" + mirrorId + "'] [data-field=key]"))
                        .isEqualTo(shortForm(registeredKey));
            }
            TestPrimary.expect(200, again.admin.post(REQUESTS + "/legacy-squat/reject", null));
        }
    }

    @Test
    void theRealMirrorsLinkLeadsOnlyToItsOwnRequestWhateverWasFiledUnderItsId() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
            String mirrorId = mirror.instance.instanceId();
            String ownKey = InstanceIdentity.loadOrCreate(mirror.home.resolve("keys")).publicKey().fingerprint();
            TestPrimary.expect(200, primary.admin.delete(serverPath(mirror)));
            await().atMost(Duration.ofSeconds(15)).until(() -> "REMOVED".equals(mirror.upstreamState()));

            ForeignServer squatter = ForeignServer.claiming(mirrorId, work.resolve("squatter-keys"), primary);
            String squattersRequest = null;
            try {
                squattersRequest = squatter.requestAuthorization("edge-mirror", mirror.baseUrl()).requestId();
            } catch (UpstreamUnavailable refused) {
                // what matters is where the real mirror's link leads next
            }
            mirror.reconnectAsPrimaryAdmin();
            await().atMost(Duration.ofSeconds(15)).until(() -> "PENDING".equals(mirror.upstreamState()));

            String linked = mirror.anonymous.get("/rest/mirroring/latest/upstreamServer").json().path("requestId")
                    .asText();
            assertThat(linked).as("the mirror's link must lead to its own request").isNotEqualTo(squattersRequest);
            assertThat(primary.admin.get(REQUESTS + "/" + linked).json().path("keyFingerprint").asText())
                    .isEqualTo(ownKey);
            assertThat(pendingRequests(primary)).hasSize(1);
            assertThat(pendingRequests(primary).get(0).path("id").asText()).isEqualTo(linked);

            String page = mirror.anonymous.get("/mirror").body();
            assertThat(page).contains("/admin/mirrors?request=" + linked).contains(mirrorId).contains(shortForm(ownKey));
        }
    }

    @Test
    void anonymousCallersAndNonAdministratorsCannotReconnectAMirrorButTheAdministratorOfThePrimaryCan() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
            primary.createUser("someone", "someone-pass-1");
            TestPrimary.expect(200, primary.admin.delete(serverPath(mirror)));
            await().atMost(Duration.ofSeconds(15)).until(() -> "REMOVED".equals(mirror.upstreamState()));
            String reconnect = "/rest/mirroring/latest/upstreamServer/reconnect";

            assertThat(mirror.anonymous.post(reconnect, null).status()).isEqualTo(401);
            assertThat(mirror.anonymous.as("admin", "wrong-password").post(reconnect, null).status()).isEqualTo(401);
            assertThat(mirror.anonymous.as("someone", "someone-pass-1").post(reconnect, null).status()).isEqualTo(403);
            assertThat(mirror.upstreamState()).isEqualTo("REMOVED");
            assertThat(pendingRequests(primary)).isEmpty();

            mirror.reconnectAsPrimaryAdmin();
            await().atMost(Duration.ofSeconds(15)).until(() -> "PENDING".equals(mirror.upstreamState()));
            assertThat(pendingRequests(primary)).hasSize(1);
            assertThat(mirror.asPrimaryAdmin().get("/rest/mirroring/latest/audit").body()).contains("admin (REST");
        }
    }

    @Test
    void aReconnectedRemovedMirrorReturnsToInstalledWhenThePrimaryRestoresIt() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"));
             TestMirror mirror = TestMirror.startAuthorized(work.resolve("mirror"), primary)) {
            TestPrimary.expect(200, primary.admin.delete(serverPath(mirror)));
            await().atMost(Duration.ofSeconds(15)).until(() -> "REMOVED".equals(mirror.upstreamState()));
            mirror.reconnectAsPrimaryAdmin();
            await().atMost(Duration.ofSeconds(15)).until(() -> "PENDING".equals(mirror.upstreamState()));

            TestPrimary.expect(200, primary.admin.post(serverPath(mirror) + "/restore", null));

            await().atMost(Duration.ofSeconds(20)).until(() -> "INSTALLED".equals(mirror.upstreamState()));
            mirror.awaitState("SYNCHRONIZED");
            assertThat(pendingRequests(primary)).as("the restore answered the waiting request").isEmpty();
            await().atMost(Duration.ofSeconds(15)).until(() -> "SYNCHRONIZED".equals(
                    primary.admin.get(serverPath(mirror)).json().path("state").asText()));
        }
    }

    @Test
    void requestsFromOneAddressAreCappedWhileWaitingAndPerMinute() {
        try (TestPrimary primary = TestPrimary.start(work.resolve("primary"), null, Map.of(
                "FACET_MIRROR_REQUESTS_MAX_PENDING_PER_ADDRESS", "3",
                "FACET_MIRROR_REQUESTS_MAX_PER_MINUTE_PER_ADDRESS", "8"))) {
            for (int i = 0; i < 3; i++) {
                ForeignServer.newcomer(primary).requestAuthorization("flood-" + i, "http://flood.example:" + (8000 + i));
            }
            UpstreamUnavailable tooManyWaiting = catchThrowableOfType(UpstreamUnavailable.class,
                    () -> ForeignServer.newcomer(primary).requestAuthorization("flood-3", "http://flood.example:8003"));
            assertThat(tooManyWaiting).as("a fourth waiting request from one address must be refused").isNotNull();
            assertThat(tooManyWaiting.status()).isEqualTo(429);
            assertThat(tooManyWaiting.getMessage()).contains("at most 3 may wait");
            assertThat(pendingRequests(primary)).hasSize(3);

            // Four requests counted so far; anything sent to the endpoint counts, signed or not.
            for (int i = 4; i < 8; i++) {
                assertThat(primary.anonymous.post(REQUESTS, "{}").status()).isIn(400, 401);
            }
            RestClient.Response limited = primary.anonymous.post(REQUESTS, "{}");
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.firstError()).contains("at most 8");
            assertThat(limited.raw().headers().firstValueAsLong("Retry-After").orElse(0)).isBetween(1L, 60L);
            assertThat(primary.admin.get("/rest/api/1.0/projects").status()).isEqualTo(200);
        }
    }

    /** The short form both pages show: the first 16 hex digits of the fingerprint in groups of four. */
    private static String shortForm(String fingerprint) {
        return fingerprint.substring(0, 4) + ":" + fingerprint.substring(4, 8) + ":" + fingerprint.substring(8, 12)
                + ":" + fingerprint.substring(12, 16);
    }
}
