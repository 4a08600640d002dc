package dev.facet.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.identity.TokenRejected.Reason;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTokensTest {
    private static final Instant NOON = Instant.parse("2026-03-01T12:00:00Z");
    private static final Duration HALF_A_MINUTE = Duration.ofSeconds(30);
    private static final byte[] HEARTBEAT_BODY = "{\"state\":\"SYNCHRONIZED\"}".getBytes(StandardCharsets.UTF_8);
    private static final RequestBinding HEARTBEAT =
            RequestBinding.of("POST", "/rest/mirroring/latest/heartbeat", HEARTBEAT_BODY);
    private static final AnswerBinding OK_ANSWER =
            AnswerBinding.of(200, "{\"registration\":\"INSTALLED\"}".getBytes(StandardCharsets.UTF_8));

    private final SettableClock mirrorClock = new SettableClock(NOON);
    private final SettableClock primaryClock = new SettableClock(NOON);
    private final InstanceIdentity mirror = InstanceIdentity.generate(new SecureRandom());
    private final InstanceIdentity primary = InstanceIdentity.generate(new SecureRandom());
    private final RequestTokens mirrorTokens = tokens(mirrorClock, 100);
    private final RequestTokens primaryTokens = tokens(primaryClock, 100);
    /** The primary's registry: it knows this mirror and no one else. */
    private final KeyLookup registeredMirrors =
            id -> id.equals(mirror.id()) ? Optional.of(mirror.publicKeyJwk()) : Optional.empty();

    @Test
    void acceptsATokenFromARegisteredInstance() {
        String token = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);

        RequestTokens.Verified verified = primaryTokens.verify(token, primary.id(), registeredMirrors, HEARTBEAT);

        assertThat(verified).isEqualTo(new RequestTokens.Verified(mirror.id(), Duration.ZERO, RequestTokens.tokenId(token)));
    }

    @Test
    void aResourceTokenReadsEveryRequestUnderItsResourceUntilItExpires() {
        String token = mirrorTokens.signForResource(mirror, primary.id(), HALF_A_MINUTE, "/farm/scm/repositories/7.git");

        assertThat(primaryTokens.verifyForResource(token, primary.id(), registeredMirrors,
                "/farm/scm/repositories/7.git").issuer()).isEqualTo(mirror.id());
        assertThat(primaryTokens.verifyForResource(token, primary.id(), registeredMirrors,
                "/farm/scm/repositories/7.git").issuer()).as("a fetch is several requests").isEqualTo(mirror.id());

        primaryClock.advance(Duration.ofSeconds(36));
        assertThat(catchThrowableOfType(TokenRejected.class, () -> primaryTokens.verifyForResource(token,
                primary.id(), registeredMirrors, "/farm/scm/repositories/7.git")).reason()).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void aResourceTokenReadsNoOtherResourceNoOtherInstanceAndNoRequest() {
        String token = mirrorTokens.signForResource(mirror, primary.id(), HALF_A_MINUTE, "/farm/scm/repositories/7.git");

        assertThat(catchThrowableOfType(TokenRejected.class, () -> primaryTokens.verifyForResource(token,
                primary.id(), registeredMirrors, "/farm/scm/repositories/8.git")).reason()).isEqualTo(Reason.ALTERED);
        assertThat(catchThrowableOfType(TokenRejected.class, () -> primaryTokens.verifyForResource(token,
                mirror.id(), registeredMirrors, "/farm/scm/repositories/7.git")).reason())
                .isEqualTo(Reason.WRONG_AUDIENCE);
        assertThat(catchThrowableOfType(TokenRejected.class, () -> primaryTokens.verifyForResource(token,
                primary.id(), id -> Optional.empty(), "/farm/scm/repositories/7.git")).reason())
                .isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(catchThrowableOfType(TokenRejected.class, () -> primaryTokens.verify(token, primary.id(),
                registeredMirrors, HEARTBEAT)).reason()).isEqualTo(Reason.MALFORMED);
        String requestToken = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);
        assertThat(catchThrowableOfType(TokenRejected.class, () -> primaryTokens.verifyForResource(requestToken,
                primary.id(), registeredMirrors, "/rest/mirroring/latest/heartbeat")).reason())
                .isEqualTo(Reason.MALFORMED);
    }

    @Test
    void signsWithEdDsaForOneAudienceWithAOneTimeId() throws Exception {
        SignedJWT jwt = SignedJWT.parse(mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT));
        JWTClaimsSet claims = jwt.getJWTClaimsSet();

        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
        assertThat(claims.getIssuer()).isEqualTo(mirror.id());
        assertThat(claims.getAudience()).containsExactly(primary.id());
        assertThat(claims.getIssueTime()).isEqualTo(Date.from(NOON));
        assertThat(claims.getExpirationTime()).isEqualTo(Date.from(NOON.plus(HALF_A_MINUTE)));
        assertThat(claims.getJWTID()).hasSize(22);
    }

    @Test
    void givesEveryTokenItsOwnId() throws Exception {
        String first = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);
        String second = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);

        assertThat(SignedJWT.parse(first).getJWTClaimsSet().getJWTID())
                .isNotEqualTo(SignedJWT.parse(second).getJWTClaimsSet().getJWTID());
        primaryTokens.verify(first, primary.id(), registeredMirrors, HEARTBEAT);
        primaryTokens.verify(second, primary.id(), registeredMirrors, HEARTBEAT);
    }

    @Test
    void capsTheValidityAtAMinute() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(mirrorTokens.sign(mirror, primary.id(), Duration.ofMinutes(10), HEARTBEAT))
                .getJWTClaimsSet();

        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()))
                .isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void measuresTheClockSkewBetweenTheInstances() {
        mirrorClock.advance(Duration.ofSeconds(3));
        String ahead = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);
        mirrorClock.advance(Duration.ofSeconds(-5));
        String behind = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);

        assertThat(primaryTokens.verify(ahead, primary.id(), registeredMirrors, HEARTBEAT).clockSkew())
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(primaryTokens.verify(behind, primary.id(), registeredMirrors, HEARTBEAT).clockSkew())
                .isEqualTo(Duration.ofSeconds(-2));
    }

    @Test
    void measuresTheClockSkewToTheMillisecondNotToTheWholeSecondIatHolds() {
        mirrorClock.advance(Duration.ofMillis(750));
        primaryClock.advance(Duration.ofMillis(750));
        String inStep = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);
        mirrorClock.advance(Duration.ofMillis(-300));
        String slightlyBehind = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);

        assertThat(primaryTokens.verify(inStep, primary.id(), registeredMirrors, HEARTBEAT).clockSkew())
                .isEqualTo(Duration.ZERO);
        assertThat(primaryTokens.verify(slightlyBehind, primary.id(), registeredMirrors, HEARTBEAT).clockSkew())
                .isEqualTo(Duration.ofMillis(-300));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "Basic dXNlcjpwYXNz", "a.b.c", "eyJhbGciOiJFZERTQSJ9.e30",
            "eyJhbGciOiJFZERTQSJ9.bm90IGpzb24.c2ln", "e30.e30.c2ln"})
    void rejectsWhatIsNotASignedJwt(String token) {
        TokenRejected rejected = rejection(token);

        assertThat(rejected.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(rejected).hasMessageStartingWith("Malformed token");
    }

    @Test
    void rejectsATokenWithoutAOneTimeId() {
        String token = signed(mirror, JWSAlgorithm.EdDSA, claims().jwtID(null));

        assertThat(rejection(token).reason()).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void rejectsAnIssuerThatIsNotRegisteredHere() {
        InstanceIdentity stranger = InstanceIdentity.generate(new SecureRandom());
        String token = mirrorTokens.sign(stranger, primary.id(), HALF_A_MINUTE, HEARTBEAT);

        TokenRejected rejected = rejection(token);

        assertThat(rejected.reason()).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(rejected).hasMessage("Unknown key: instance " + stranger.id() + " is not registered here.")
                .isInstanceOf(AuthenticationRequired.class);
    }

    @Test
    void rejectsATokenSignedByOneInstanceButCheckedWithAnothersKey() {
        InstanceIdentity impostor = InstanceIdentity.generate(new SecureRandom());
        String token = signed(impostor, JWSAlgorithm.EdDSA, claims());

        TokenRejected rejected = rejection(token);

        assertThat(rejected.reason()).isEqualTo(Reason.BAD_SIGNATURE);
        assertThat(rejected).hasMessageStartingWith(
                "Bad signature: the token does not match the key registered here for instance " + mirror.id());
    }

    @Test
    void rejectsATamperedPayload() {
        String[] parts = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT).split("\\.");
        String longerLived = claims().expirationTime(Date.from(NOON.plusSeconds(59))).build().toString();
        String tampered = parts[0] + "." + Base64URL.encode(longerLived) + "." + parts[2];

        assertThat(rejection(tampered).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void rejectsATokenForAnotherInstance() {
        String otherPrimary = UUID.randomUUID().toString();
        String token = mirrorTokens.sign(mirror, otherPrimary, HALF_A_MINUTE, HEARTBEAT);

        TokenRejected rejected = rejection(token);

        assertThat(rejected.reason()).isEqualTo(Reason.WRONG_AUDIENCE);
        assertThat(rejected).hasMessage("The token is for instance " + otherPrimary + ", this is instance "
                + primary.id() + ".");
    }

    @Test
    void rejectsAnExpiredToken() {
        String token = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);
        primaryClock.advance(Duration.ofSeconds(36));

        TokenRejected rejected = rejection(token);

        assertThat(rejected.reason()).isEqualTo(Reason.EXPIRED);
        assertThat(rejected).hasMessageStartingWith("Token expired 6 s ago; if the clocks differ, check the clock skew");
    }

    @Test
    void acceptsATokenThatExpiredWithinTheClockTolerance() {
        String token = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);
        primaryClock.advance(Duration.ofSeconds(35));

        assertThat(primaryTokens.verify(token, primary.id(), registeredMirrors, HEARTBEAT).issuer()).isEqualTo(mirror.id());
    }

    @Test
    void rejectsATokenIssuedInTheFutureNamingTheClockSkew() {
        mirrorClock.advance(Duration.ofSeconds(10));
        String token = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);

        TokenRejected rejected = rejection(token);

        assertThat(rejected.reason()).isEqualTo(Reason.CLOCK_SKEW);
        assertThat(rejected).hasMessageStartingWith(
                "Token issued 10 s in the future: clock skew of 10 s between the two instances");
    }

    @Test
    void rejectsAReplayedToken() {
        String token = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);
        primaryTokens.verify(token, primary.id(), registeredMirrors, HEARTBEAT);

        TokenRejected rejected = rejection(token);

        assertThat(rejected.reason()).isEqualTo(Reason.REPLAYED);
        assertThat(rejected).hasMessageStartingWith("Token id already used");
    }

    @Test
    void rejectsATokenValidForLongerThanAMinute() {
        String token = signed(mirror, JWSAlgorithm.EdDSA, claims().expirationTime(Date.from(NOON.plusSeconds(600))));

        TokenRejected rejected = rejection(token);

        assertThat(rejected.reason()).isEqualTo(Reason.TOO_LONG);
        assertThat(rejected).hasMessage("Token is valid for 600 s, longer than the 60 s allowed.");
    }

    @Test
    void refusesAnUnsignedTokenWithAlgNone() {
        String token = new PlainJWT(claims().build()).serialize();

        TokenRejected rejected = rejection(token);

        assertThat(rejected.reason()).isEqualTo(Reason.WRONG_ALGORITHM);
        assertThat(rejected).hasMessageContaining("alg none");
    }

    @Test
    void refusesEveryAlgorithmButEdDsa() throws Exception {
        String hmac = signed(new MACSigner(new byte[32]), JWSAlgorithm.HS256, claims());
        String fullySpecifiedEd25519 = signed(new Ed25519Signer(mirror.keyPair()), JWSAlgorithm.Ed25519, claims());

        assertThat(rejection(hmac).reason()).isEqualTo(Reason.WRONG_ALGORITHM);
        assertThat(rejection(hmac)).hasMessage("Token uses algorithm HS256; only EdDSA is accepted.");
        assertThat(rejection(fullySpecifiedEd25519).reason()).isEqualTo(Reason.WRONG_ALGORITHM);
    }

    @Test
    void refusesTokensWhileItCannotRememberAnotherOneTimeId() {
        RequestTokens smallPrimary = tokens(primaryClock, 1);
        smallPrimary.verify(mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT), primary.id(),
                registeredMirrors, HEARTBEAT);
        String next = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);

        TokenRejected rejected = catchThrowableOfType(TokenRejected.class,
                () -> smallPrimary.verify(next, primary.id(), registeredMirrors, HEARTBEAT));

        assertThat(rejected.reason()).isEqualTo(Reason.REPLAY_GUARD_FULL);
    }

    private static RequestTokens tokens(SettableClock clock, int replayCapacity) {
        return new RequestTokens(clock, new SecureRandom(), new ReplayGuard(clock, replayCapacity));
    }

    private TokenRejected rejection(String token) {
        TokenRejected rejected = catchThrowableOfType(TokenRejected.class,
                () -> primaryTokens.verify(token, primary.id(), registeredMirrors, HEARTBEAT));
        assertThat(rejected).as("token rejected").isNotNull();
        return rejected;
    }

    /** What the mirror's {@link RequestTokens#sign} would say at noon, for a test to change one thing. */
    private JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder()
                .issuer(mirror.id())
                .audience(List.of(primary.id()))
                .issueTime(Date.from(NOON))
                .expirationTime(Date.from(NOON.plus(HALF_A_MINUTE)))
                .jwtID(UUID.randomUUID().toString().replace("-", ""))
                .claim("htm", HEARTBEAT.method())
                .claim("htu", HEARTBEAT.target())
                .claim("bdg", HEARTBEAT.body().value());
    }

    private static String signed(InstanceIdentity sender, JWSAlgorithm algorithm, JWTClaimsSet.Builder claims) {
        try {
            return signed(new Ed25519Signer(sender.keyPair()), algorithm, claims);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String signed(JWSSigner signer, JWSAlgorithm algorithm, JWTClaimsSet.Builder claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(signer);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    @Test
    void aRefusalDrawnByAForgedCopyOfARequestDoesNotAnswerTheGenuineOne() {
        String genuine = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);
        String copiedId = RequestTokens.tokenId(genuine);
        InstanceIdentity forger = InstanceIdentity.generate(new SecureRandom());
        String forged = signed(forger, JWSAlgorithm.EdDSA, claims().jwtID(copiedId));
        // What the primary does with a token it refuses: it signs the refusal back to the requester the token names.
        RequestTokens.Requester named = RequestTokens.requesterOf(forged).orElseThrow();
        AnswerBinding refusal = AnswerBinding.of(401, "{\"errors\":[]}".getBytes(StandardCharsets.UTF_8));
        String signedRefusal = primaryTokens.signAnswer(primary, named.instanceId(), named.requestReference(), refusal);

        TokenRejected taken = catchThrowableOfType(TokenRejected.class, () -> mirrorTokens.verifyAnswer(signedRefusal,
                primary.id(), primary.publicKeyJwk(), mirror.id(), RequestTokens.reference(genuine), refusal));

        assertThat(named.instanceId()).isEqualTo(mirror.id());
        assertThat(taken).as("the genuine request's answer check").isNotNull();
        assertThat(taken.getMessage()).contains("another request");
    }

    @Test
    void anAnswerSignedByThePinnedUpstreamForThisRequestIsAccepted() {
        String request = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);
        RequestTokens.Verified verified = primaryTokens.verify(request, primary.id(), registeredMirrors, HEARTBEAT);
        String answer = primaryTokens.signAnswer(primary, verified.issuer(), RequestTokens.reference(request), OK_ANSWER);

        mirrorTokens.verifyAnswer(answer, primary.id(), primary.publicKeyJwk(), mirror.id(),
                RequestTokens.reference(request), OK_ANSWER);
    }

    @Test
    void anAnswerFromAnotherKeyForAnotherRequestOrAnotherMirrorIsRefusedWithTheReason(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path keys) throws java.io.IOException {
        String request = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);
        String requestId = RequestTokens.reference(request);
        InstanceIdentity impostor = InstanceIdentity.generate(new SecureRandom());

        TokenRejected otherKey = catchThrowableOfType(TokenRejected.class, () -> mirrorTokens.verifyAnswer(
                primaryTokens.signAnswer(impostor, mirror.id(), requestId, OK_ANSWER), primary.id(), primary.publicKeyJwk(),
                mirror.id(), requestId, OK_ANSWER));
        assertThat(otherKey.getMessage()).contains("not by the pinned instance " + primary.id());

        InstanceIdentity.loadOrCreate(keys);
        java.nio.file.Files.writeString(keys.resolve(InstanceIdentity.ID_FILE), primary.id() + "\n");
        InstanceIdentity sameIdOtherKey = InstanceIdentity.loadOrCreate(keys);
        assertThat(sameIdOtherKey.id()).isEqualTo(primary.id());
        TokenRejected copiedIdentity = catchThrowableOfType(TokenRejected.class, () -> mirrorTokens.verifyAnswer(
                primaryTokens.signAnswer(sameIdOtherKey, mirror.id(), requestId, OK_ANSWER), primary.id(), primary.publicKeyJwk(),
                mirror.id(), requestId, OK_ANSWER));
        assertThat(copiedIdentity.reason()).isEqualTo(TokenRejected.Reason.BAD_SIGNATURE);

        TokenRejected otherRequest = catchThrowableOfType(TokenRejected.class, () -> mirrorTokens.verifyAnswer(
                primaryTokens.signAnswer(primary, mirror.id(), "another-request-id-0000", OK_ANSWER), primary.id(),
                primary.publicKeyJwk(), mirror.id(), requestId, OK_ANSWER));
        assertThat(otherRequest.getMessage()).contains("another request");

        TokenRejected otherMirror = catchThrowableOfType(TokenRejected.class, () -> mirrorTokens.verifyAnswer(
                primaryTokens.signAnswer(primary, impostor.id(), requestId, OK_ANSWER), primary.id(), primary.publicKeyJwk(),
                mirror.id(), requestId, OK_ANSWER));
        assertThat(otherMirror.reason()).isEqualTo(TokenRejected.Reason.WRONG_AUDIENCE);
    }

    @Test
    void aTokenIsRefusedOnAnotherMethodPathOrBodyAndStaysValidForItsOwnRequest() {
        String token = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);

        TokenRejected otherMethod = catchThrowableOfType(TokenRejected.class, () -> primaryTokens.verify(token,
                primary.id(), registeredMirrors, RequestBinding.of("PUT", HEARTBEAT.target(), HEARTBEAT_BODY)));
        TokenRejected otherPath = catchThrowableOfType(TokenRejected.class, () -> primaryTokens.verify(token,
                primary.id(), registeredMirrors, RequestBinding.of("POST", "/rest/mirroring/latest/authenticate",
                        HEARTBEAT_BODY)));
        TokenRejected otherQuery = catchThrowableOfType(TokenRejected.class, () -> primaryTokens.verify(token,
                primary.id(), registeredMirrors, RequestBinding.of("POST", HEARTBEAT.target() + "?x=1", HEARTBEAT_BODY)));
        TokenRejected otherBody = catchThrowableOfType(TokenRejected.class, () -> primaryTokens.verify(token,
                primary.id(), registeredMirrors, RequestBinding.of("POST", HEARTBEAT.target(),
                        "{\"state\":\"REMOVED\"}".getBytes(StandardCharsets.UTF_8))));

        assertThat(List.of(otherMethod, otherPath, otherQuery, otherBody)).extracting(TokenRejected::reason)
                .containsOnly(Reason.ALTERED);
        assertThat(otherPath.getMessage()).contains("signed for POST /rest/mirroring/latest/heartbeat")
                .contains("changed on its way");
        assertThat(otherBody.getMessage()).contains("another body");
        assertThat(primaryTokens.verify(token, primary.id(), registeredMirrors, HEARTBEAT).issuer())
                .as("an altered copy does not spend the genuine request's one-time id").isEqualTo(mirror.id());
    }

    @Test
    void aTokenBoundToNoRequestIsRefused() {
        String unbound = signed(mirror, JWSAlgorithm.EdDSA, claims().claim("htm", null).claim("htu", null)
                .claim("bdg", null));

        TokenRejected rejected = rejection(unbound);

        assertThat(rejected.reason()).isEqualTo(Reason.MALFORMED);
        assertThat(rejected.getMessage()).contains("not bound to a request");
    }

    @Test
    void anAnswerWithAnotherStatusOrBodyThanSignedIsRefusedAsAltered() {
        String request = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);
        String requestId = RequestTokens.reference(request);
        byte[] refusal = "{\"errors\":[{\"message\":\"Bad credentials\"}]}".getBytes(StandardCharsets.UTF_8);
        String signedRefusal = primaryTokens.signAnswer(primary, mirror.id(), requestId, AnswerBinding.of(401, refusal));

        TokenRejected statusChanged = catchThrowableOfType(TokenRejected.class, () -> mirrorTokens.verifyAnswer(
                signedRefusal, primary.id(), primary.publicKeyJwk(), mirror.id(), requestId,
                AnswerBinding.of(200, refusal)));
        TokenRejected bodyChanged = catchThrowableOfType(TokenRejected.class, () -> mirrorTokens.verifyAnswer(
                signedRefusal, primary.id(), primary.publicKeyJwk(), mirror.id(), requestId,
                AnswerBinding.of(401, "{\"outcome\":\"OK\"}".getBytes(StandardCharsets.UTF_8))));

        assertThat(statusChanged.reason()).isEqualTo(Reason.ALTERED);
        assertThat(statusChanged.getMessage()).contains("signed with status 401 but arrived with status 200");
        assertThat(bodyChanged.reason()).isEqualTo(Reason.ALTERED);
        mirrorTokens.verifyAnswer(signedRefusal, primary.id(), primary.publicKeyJwk(), mirror.id(), requestId,
                AnswerBinding.of(401, refusal));
    }

    @Test
    void theRequesterOfATokenIsReadWithoutCheckingItSoThatRefusalsCanBeSigned() {
        String token = mirrorTokens.sign(mirror, primary.id(), HALF_A_MINUTE, HEARTBEAT);

        assertThat(RequestTokens.requesterOf(token))
                .contains(new RequestTokens.Requester(mirror.id(), RequestTokens.reference(token)));
        assertThat(RequestTokens.requesterOf("a.b.c")).isEmpty();
        assertThat(RequestTokens.requesterOf(null)).isEmpty();
        assertThat(RequestTokens.requesterOf(signed(mirror, JWSAlgorithm.EdDSA, claims().issuer("not-an-instance"))))
                .isEmpty();
    }

    @Test
    void bindingsRefuseWhatIsNotAMethodTargetOrStatus() {
        assertThat(RequestBinding.of("post", "/x", null).method()).isEqualTo("POST");
        assertThat(RequestBinding.of("GET", "/x", null).body()).isEqualTo(BodyDigest.of(new byte[0]));
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> RequestBinding.of("GET", "http://host/x", null))).isNotNull();
        assertThat(catchThrowableOfType(IllegalArgumentException.class,
                () -> RequestBinding.of("G T", "/x", null))).isNotNull();
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> AnswerBinding.of(42, null))).isNotNull();
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new BodyDigest("short"))).isNotNull();
    }
}
