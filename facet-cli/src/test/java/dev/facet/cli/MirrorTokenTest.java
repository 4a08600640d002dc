package dev.facet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.identity.InstanceIdentity;
import dev.facet.core.identity.ReplayGuard;
import dev.facet.core.identity.RequestBinding;
import dev.facet.core.identity.RequestTokens;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signed mirror requests that fail a check get 401 with a reason a human can act on, never a 5xx. */
class MirrorTokenTest {
    private static final String HEARTBEAT = "/rest/mirroring/latest/heartbeat";
    private static final String BODY = "{\"state\":\"SYNCHRONIZED\",\"version\":\"t\",\"repositoriesInSync\":0,"
            + "\"repositoriesBehind\":0,\"worstLags\":[],\"appliedSequence\":0}";
    private static final RequestBinding HEARTBEAT_REQUEST =
            RequestBinding.of("POST", HEARTBEAT, BODY.getBytes(StandardCharsets.UTF_8));

    @TempDir
    static Path home;
    static TestPrimary primary;
    static TestMirror mirror;
    static InstanceIdentity mirrorIdentity;

    @BeforeAll
    static void startPrimaryAndMirror() {
        primary = TestPrimary.start(home.resolve("primary"));
        mirror = TestMirror.startAuthorized(home.resolve("mirror"), primary);
        mirrorIdentity = InstanceIdentity.loadOrCreate(home.resolve("mirror/keys"));
    }

    @AfterAll
    static void stop() {
        mirror.close();
        primary.close();
    }

    private static RequestTokens tokensAt(Instant now) {
        Clock clock = Clock.fixed(now, ZoneOffset.UTC);
        return new RequestTokens(clock, new SecureRandom(), new ReplayGuard(clock, 100));
    }

    private static RestClient.Response heartbeatWith(String token) {
        return primary.anonymous.withAuthorization("Bearer " + token).post(HEARTBEAT, BODY);
    }

    private static String audience() {
        return primary.instance.instanceId();
    }

    @Test
    void validTokenIsAccepted() {
        assertThat(heartbeatWith(tokensAt(Instant.now()).sign(mirrorIdentity, audience(), Duration.ofSeconds(30), HEARTBEAT_REQUEST))
                .status()).isEqualTo(200);
    }

    @Test
    void expiredTokenIsRefusedSayingSo() {
        String token = tokensAt(Instant.now().minusSeconds(300)).sign(mirrorIdentity, audience(), Duration.ofSeconds(30), HEARTBEAT_REQUEST);
        RestClient.Response response = heartbeatWith(token);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.firstError()).containsIgnoringCase("expired");
    }

    @Test
    void tokenFromTheFutureNamesTheClockSkew() {
        String token = tokensAt(Instant.now().plusSeconds(120)).sign(mirrorIdentity, audience(), Duration.ofSeconds(30), HEARTBEAT_REQUEST);
        RestClient.Response response = heartbeatWith(token);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.firstError()).containsIgnoringCase("clock skew");
    }

    @Test
    void tokenForAnotherInstanceIsRefused() {
        String token = tokensAt(Instant.now()).sign(mirrorIdentity, mirrorIdentity.id(), Duration.ofSeconds(30), HEARTBEAT_REQUEST);
        RestClient.Response response = heartbeatWith(token);
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.firstError()).contains(audience());
    }

    @Test
    void replayedTokenIsRefused() {
        String token = tokensAt(Instant.now()).sign(mirrorIdentity, audience(), Duration.ofSeconds(30), HEARTBEAT_REQUEST);
        assertThat(heartbeatWith(token).status()).isEqualTo(200);
        RestClient.Response replay = heartbeatWith(token);
        assertThat(replay.status()).isEqualTo(401);
        assertThat(replay.firstError()).containsIgnoringCase("already used");
    }

    @Test
    void tokenFromAnUnknownInstanceIsRefused() {
        InstanceIdentity stranger = InstanceIdentity.generate(new SecureRandom());
        RestClient.Response response = heartbeatWith(tokensAt(Instant.now()).sign(stranger, audience(),
                Duration.ofSeconds(30), HEARTBEAT_REQUEST));
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.firstError()).containsIgnoringCase("unknown key");
    }

    @Test
    void tokenWithABadSignatureIsRefused() {
        String token = tokensAt(Instant.now()).sign(mirrorIdentity, audience(), Duration.ofSeconds(30), HEARTBEAT_REQUEST);
        String[] parts = token.split("\\.");
        char last = parts[2].charAt(10);
        parts[2] = parts[2].substring(0, 10) + (last == 'A' ? 'B' : 'A') + parts[2].substring(11);
        RestClient.Response response = heartbeatWith(String.join(".", parts));
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.firstError()).containsIgnoringCase("signature");
    }

    @Test
    void aTokenSignedForOneRequestIsRefusedOnAnotherBodyOrPathWithASignedRefusal() {
        String token = tokensAt(Instant.now()).sign(mirrorIdentity, audience(), Duration.ofSeconds(30),
                HEARTBEAT_REQUEST);

        RestClient.Response otherBody = primary.anonymous.withAuthorization("Bearer " + token)
                .post(HEARTBEAT, BODY.replace("SYNCHRONIZED", "REMOVED"));
        RestClient.Response otherPath = primary.anonymous.withAuthorization("Bearer " + token)
                .post("/rest/mirroring/latest/authenticate", BODY);

        assertThat(otherBody.status()).isEqualTo(401);
        assertThat(otherBody.json().path("errors").path(0).path("exceptionName").asText()).isEqualTo("MessageAltered");
        assertThat(otherBody.firstError()).contains("another body");
        assertThat(otherPath.status()).isEqualTo(401);
        assertThat(otherPath.firstError()).contains("signed for POST " + HEARTBEAT);
        assertThat(otherBody.raw().headers().firstValue(RequestTokens.ANSWER_HEADER))
                .as("the refusal is signed, so the mirror can trust it").isPresent();
        assertThat(heartbeatWith(token).status()).as("the altered copies did not spend the genuine one").isEqualTo(200);
    }

    @Test
    void garbageAndMissingTokensAreRefusedWithoutServerErrors() {
        assertThat(heartbeatWith("a.b.c").status()).isEqualTo(401);
        assertThat(primary.anonymous.post(HEARTBEAT, BODY).status()).isEqualTo(401);
        assertThat(primary.anonymous.get("/rest/mirroring/latest/events?after=0").status()).isEqualTo(401);
        assertThat(primary.anonymous.get("/rest/mirroring/latest/repo-hashes").status()).isEqualTo(401);
        assertThat(primary.anonymous.post("/rest/mirroring/latest/requests", "{}").status()).isEqualTo(400);
        assertThat(primary.anonymous.post("/rest/mirroring/latest/requests", "{").status()).isEqualTo(400);
    }

    @Test
    void adminEndpointsNeedAnAdministrator() {
        assertThat(primary.anonymous.get("/rest/mirroring/latest/requests").status()).isEqualTo(401);
        primary.createUser("plain", "plain-pass-1");
        assertThat(primary.anonymous.as("plain", "plain-pass-1").get("/rest/mirroring/latest/mirrorServers").status())
                .isEqualTo(403);
        assertThat(primary.admin.post("/rest/mirroring/latest/requests/no-such-request/accept", null).status())
                .isEqualTo(404);
    }
}
