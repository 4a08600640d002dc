package dev.facet.core.identity;

import static dev.facet.core.identity.TokenRejected.Reason.BAD_SIGNATURE;
import static dev.facet.core.identity.TokenRejected.Reason.CLOCK_SKEW;
import static dev.facet.core.identity.TokenRejected.Reason.EXPIRED;
import static dev.facet.core.identity.TokenRejected.Reason.MALFORMED;
import static dev.facet.core.identity.TokenRejected.Reason.REPLAYED;
import static dev.facet.core.identity.TokenRejected.Reason.TOO_LONG;
import static dev.facet.core.identity.TokenRejected.Reason.UNKNOWN_KEY;
import static dev.facet.core.identity.TokenRejected.Reason.WRONG_ALGORITHM;
import static dev.facet.core.identity.TokenRejected.Reason.WRONG_AUDIENCE;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.facet.core.digest.Sha256;
import dev.facet.core.error.InvalidInput;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The bearer tokens that every request between a mirror and its primary carries in
 * {@code Authorization: Bearer <jwt>}: compact JWTs signed with the sender's Ed25519 key
 * ({@code alg: EdDSA}), issued by one instance to one other, valid for at most
 * {@link #MAX_VALIDITY}, accepted once, and bound to one request's method, target and body
 * ({@link RequestBinding}); and the signatures on the answers, bound to the request they answer,
 * their status and their body ({@link AnswerBinding}). Tokens are credentials: never log them.
 */
public final class RequestTokens {
    public static final Duration MAX_VALIDITY = Duration.ofSeconds(60);
    /** How far apart two instances' clocks may be before their tokens are refused. */
    public static final Duration CLOCK_TOLERANCE = Duration.ofSeconds(5);

    private static final int MAX_TOKEN_LENGTH = 8192;
    private static final Pattern TOKEN_ID = Pattern.compile("[A-Za-z0-9_-]{16,128}");

    private final Clock clock;
    private final SecureRandom random;
    private final ReplayGuard replayGuard;

    /**
     * A token that passed every check.
     *
     * @param issuer the id of the instance that signed it
     * @param clockSkew how far the issuer's clock was ahead of this one when it signed (negative:
     *                  behind); to the second, and less the time the request took to arrive
     */
    public record Verified(String issuer, Duration clockSkew, String tokenId) {
    }

    /**
     * Whom an answer to a token goes back to, read from the token without checking it: a refusal
     * is signed too, so that the requester can tell the primary's "no" from a forged one.
     *
     * @param requestReference {@link #reference(String)} of the token: a forged token that copies a
     *                         genuine one's issuer and one-time id still has another reference, so
     *                         the signed refusal it draws answers no request the issuer sent
     */
    public record Requester(String instanceId, String requestReference) {
    }

    /** The response header in which an upstream signs its answer to a signed request. */
    public static final String ANSWER_HEADER = "Facet-Answer";
    /**
     * The request header that carries a mirror's signed request where {@code Authorization} holds other credentials
     * (a Git LFS batch request, authorized by the mirror's fetch token): the upstream signs its answer to it.
     */
    public static final String MIRROR_REQUEST_HEADER = "Facet-Mirror-Request";
    private static final String REQUEST_CLAIM = "req";
    private static final String METHOD_CLAIM = "htm";
    private static final String TARGET_CLAIM = "htu";
    private static final String STATUS_CLAIM = "sts";
    private static final String BODY_CLAIM = "bdg";
    private static final String RESOURCE_CLAIM = "rsc";
    /**
     * Facet's own: the signing instant in milliseconds. {@code iat} holds whole seconds only, which would make a
     * clock skew measured from it up to a second off (a mirror on the same host would seem 0.8 s behind).
     */
    private static final String ISSUED_AT_MILLIS_CLAIM = "iatms";

    public RequestTokens(Clock clock, SecureRandom random, ReplayGuard replayGuard) {
        this.clock = clock;
        this.random = random;
        this.replayGuard = replayGuard;
    }

    /**
     * A token from {@code sender} to the instance {@code audienceInstanceId} for the one request
     * {@code request}, valid from now for {@code validity} rounded up to whole seconds, at most
     * {@link #MAX_VALIDITY}.
     */
    public String sign(InstanceIdentity sender, String audienceInstanceId, Duration validity, RequestBinding request) {
        Objects.requireNonNull(request, "request");
        return sign(sender, audienceInstanceId, validity, claims -> claims
                .claim(METHOD_CLAIM, request.method())
                .claim(TARGET_CLAIM, request.target())
                .claim(BODY_CLAIM, request.body().value()));
    }

    /**
     * A token from {@code sender} to the instance {@code audienceInstanceId} for reading one resource (a path
     * prefix such as a repository's Git URL on the audience) during {@code validity}, at most {@link #MAX_VALIDITY}.
     * Unlike a request token it covers every request under the resource until it expires, because a Git fetch is
     * several requests whose bodies the client writes only after the headers: use it for reads only.
     */
    public String signForResource(InstanceIdentity sender, String audienceInstanceId, Duration validity,
                                  String resource) {
        if (resource == null || !resource.startsWith("/")) {
            throw new IllegalArgumentException("A resource is a path starting with '/', not '" + resource + "'");
        }
        return sign(sender, audienceInstanceId, validity, claims -> claims.claim(RESOURCE_CLAIM, resource));
    }

    /**
     * Checks a token from {@link #signForResource} received by the instance {@code expectedAudience} for
     * {@code resource}: its signature by a key {@code keys} knows, its audience, its times and its resource. A
     * request token is not a resource token, nor the other way round.
     *
     * @throws TokenRejected when any check fails; its message says what to fix
     */
    public Verified verifyForResource(String token, String expectedAudience, KeyLookup keys, String resource) {
        Objects.requireNonNull(expectedAudience, "expectedAudience");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(resource, "resource");
        Instant now = clock.instant();
        Checked checked = signedTimelyAndAddressed(token, expectedAudience, keys, now);
        JWTClaimsSet claims = checked.claims();
        Object signedFor = claims.getClaim(RESOURCE_CLAIM);
        if (!(signedFor instanceof String)) {
            throw rejected(MALFORMED, "Malformed token: it is not bound to a resource (rsc claim).");
        }
        if (!resource.equals(signedFor)) {
            throw new MessageAltered("The token was signed for " + printable((String) signedFor) + ", not for "
                    + printable(resource) + ".");
        }
        return new Verified(checked.issuer(), Duration.between(now, checked.signedAt()), claims.getJWTID());
    }

    /**
     * The signature an instance puts on its answer to a signed request: addressed back to the
     * requester, naming the request by {@link #reference(String) the digest of its token}, and covering the answer's status and body, so
     * that an answer cannot be replayed for another request, nor changed on the way, and nobody
     * without the answering instance's key can make one.
     */
    public String signAnswer(InstanceIdentity sender, String requesterInstanceId, String requestReference,
                             AnswerBinding answer) {
        Objects.requireNonNull(requestReference, "requestReference");
        Objects.requireNonNull(answer, "answer");
        return sign(sender, requesterInstanceId, MAX_VALIDITY, claims -> claims
                .claim(REQUEST_CLAIM, requestReference)
                .claim(STATUS_CLAIM, answer.status())
                .claim(BODY_CLAIM, answer.body().value()));
    }

    /**
     * Checks that an answer comes from {@code expectedIssuer} holding {@code publicKeyJwk} (the pinned
     * upstream), is addressed to {@code requesterInstanceId}, answers the request whose token has the reference
     * {@code requestReference},
     * and was signed for the status and body that {@code received} has.
     *
     * @throws TokenRejected naming what does not match; {@link TokenRejected.Reason#ALTERED} when the
     *                       pinned upstream signed this answer but a different status or body arrived
     */
    public void verifyAnswer(String answer, String expectedIssuer, String publicKeyJwk, String requesterInstanceId,
                             String requestReference, AnswerBinding received) {
        SignedJWT jwt = parseEdDsa(answer);
        JWTClaimsSet claims = claimsOf(jwt);
        String issuer = instanceIdClaim(claims.getIssuer(), "iss");
        if (!issuer.equals(expectedIssuer)) {
            throw rejected(UNKNOWN_KEY, "The answer is signed by instance " + issuer + ", not by the pinned instance "
                    + expectedIssuer + ".");
        }
        checkSignature(jwt, issuer, id -> Optional.of(publicKeyJwk));
        checkAudience(claims.getAudience(), requesterInstanceId);
        checkTimes(timeClaim(claims.getIssueTime(), "iat"), timeClaim(claims.getExpirationTime(), "exp"),
                claims.getNotBeforeTime(), issuer, clock.instant());
        Object answered = claims.getClaim(REQUEST_CLAIM);
        if (!requestReference.equals(answered)) {
            throw rejected(REPLAYED, "The answer is for another request than the one sent.");
        }
        Object status = claims.getClaim(STATUS_CLAIM);
        if (!(status instanceof Number number) || number.longValue() != received.status()) {
            throw new MessageAltered("The answer was signed with status " + printable(String.valueOf(status))
                    + " but arrived with status " + received.status() + ".");
        }
        if (!received.body().value().equals(claims.getClaim(BODY_CLAIM))) {
            throw new MessageAltered("The answer's body is not the one that was signed (status " + received.status()
                    + ").");
        }
    }

    /** The requester and the one-time id a token names, if it has that form; nothing is checked. */
    public static Optional<Requester> requesterOf(String token) {
        try {
            JWTClaimsSet claims = parseEdDsa(token).getJWTClaimsSet();
            String issuer = claims.getIssuer();
            String tokenId = claims.getJWTID();
            return issuer != null && InstanceIdentity.isInstanceId(issuer) && tokenId != null
                    && TOKEN_ID.matcher(tokenId).matches() ? Optional.of(new Requester(issuer, reference(token)))
                    : Optional.empty();
        } catch (TokenRejected | ParseException e) {
            return Optional.empty();
        }
    }

    /**
     * What an answer names its request by: the SHA-256 of the request's whole token. Not the
     * one-time id alone, which anyone who saw the token can copy into a forged one.
     */
    public static String reference(String token) {
        return Sha256.hex(token);
    }

    /** The one-time id of a token this instance signed. */
    public static String tokenId(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
        } catch (ParseException e) {
            throw rejected(MALFORMED, "Malformed token: " + printable(e.getMessage()));
        }
    }

    private String sign(InstanceIdentity sender, String audienceInstanceId, Duration validity,
                        UnaryOperator<JWTClaimsSet.Builder> binding) {
        if (!InstanceIdentity.isInstanceId(audienceInstanceId)) {
            throw new IllegalArgumentException("The audience must be an instance id (a lower-case UUID), not '"
                    + audienceInstanceId + "'");
        }
        if (validity == null || validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("A token's validity must be positive, not " + validity);
        }
        Instant signedAt = clock.instant();
        Instant issuedAt = signedAt.truncatedTo(ChronoUnit.SECONDS);
        Duration capped = Duration.ofSeconds(Math.min(seconds(validity), MAX_VALIDITY.toSeconds()));
        byte[] tokenId = new byte[16];
        random.nextBytes(tokenId);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(sender.id())
                .audience(audienceInstanceId)
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(issuedAt.plus(capped)))
                .claim(ISSUED_AT_MILLIS_CLAIM, signedAt.toEpochMilli())
                .jwtID(Base64URL.encode(tokenId).toString());
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(JOSEObjectType.JWT).build(),
                binding.apply(claims).build());
        try {
            jwt.sign(sender.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("Cannot sign with the key of instance " + sender.id(), e);
        }
        return jwt.serialize();
    }

    /**
     * Checks a token received by the instance {@code expectedAudience} with the request
     * {@code received}, and records its one-time id.
     *
     * @throws TokenRejected when any check fails; its message says what to fix
     */
    public Verified verify(String token, String expectedAudience, KeyLookup keys, RequestBinding received) {
        Objects.requireNonNull(expectedAudience, "expectedAudience");
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(received, "received");
        Instant now = clock.instant();
        Checked checked = signedTimelyAndAddressed(token, expectedAudience, keys, now);
        JWTClaimsSet claims = checked.claims();
        String issuer = checked.issuer();
        Instant expiresAt = checked.expiresAt();
        String tokenId = claims.getJWTID();
        if (tokenId == null || !TOKEN_ID.matcher(tokenId).matches()) {
            throw rejected(MALFORMED, "Malformed token: its one-time id (jti) must be 16 to 128 base64url characters.");
        }
        checkBinding(claims, received);
        if (!replayGuard.firstUse(issuer + "/" + tokenId, expiresAt.plus(CLOCK_TOLERANCE))) {
            throw rejected(REPLAYED, "Token id already used: every request needs a freshly signed token.");
        }
        return new Verified(issuer, Duration.between(now, checked.signedAt()), tokenId);
    }

    /**
     * Checks only what can be checked before a request's body has arrived: the token is signed by a key
     * {@code keys} knows, for {@code expectedAudience}, and timely. It spends nothing; {@link #verify} must still
     * follow once the body is read. For bodies too large to take from anyone who merely asks.
     *
     * @throws TokenRejected naming what does not hold
     */
    public void requireSignedAndTimely(String token, String expectedAudience, KeyLookup keys) {
        Objects.requireNonNull(expectedAudience, "expectedAudience");
        Objects.requireNonNull(keys, "keys");
        signedTimelyAndAddressed(token, expectedAudience, keys, clock.instant());
    }

    /** A token's claims once its signature, audience and times passed. */
    private record Checked(JWTClaimsSet claims, String issuer, Instant issuedAt, Instant expiresAt) {
        /**
         * When the issuer signed, to the millisecond where it said so within the second {@code iat} names (the
         * issuer's own signed word, so only a wrong clock makes it wrong); else the whole second of {@code iat}.
         */
        Instant signedAt() {
            if (claims.getClaim(ISSUED_AT_MILLIS_CLAIM) instanceof Number millis) {
                Instant precise = Instant.ofEpochMilli(millis.longValue());
                if (!precise.isBefore(issuedAt) && precise.isBefore(issuedAt.plusSeconds(1))) {
                    return precise;
                }
            }
            return issuedAt;
        }
    }

    private static Checked signedTimelyAndAddressed(String token, String expectedAudience, KeyLookup keys,
                                                    Instant now) {
        SignedJWT jwt = parseEdDsa(token);
        JWTClaimsSet claims = claimsOf(jwt);
        String issuer = instanceIdClaim(claims.getIssuer(), "iss");
        checkSignature(jwt, issuer, keys);
        // From here on, the claims are the issuer's own words.
        checkAudience(claims.getAudience(), expectedAudience);
        Instant issuedAt = timeClaim(claims.getIssueTime(), "iat");
        Instant expiresAt = timeClaim(claims.getExpirationTime(), "exp");
        checkTimes(issuedAt, expiresAt, claims.getNotBeforeTime(), issuer, now);
        return new Checked(claims, issuer, issuedAt, expiresAt);
    }

    /**
     * Checked before the one-time id is spent: a copy altered on the way is refused and leaves the
     * genuine request valid.
     */
    private static void checkBinding(JWTClaimsSet claims, RequestBinding received) {
        Object method = claims.getClaim(METHOD_CLAIM);
        Object target = claims.getClaim(TARGET_CLAIM);
        Object body = claims.getClaim(BODY_CLAIM);
        if (!(method instanceof String) || !(target instanceof String) || !BodyDigest.isDigest(body)) {
            throw rejected(MALFORMED, "Malformed token: it is not bound to a request (htm, htu and bdg claims).");
        }
        if (!received.method().equals(method) || !received.target().equals(target)) {
            throw new MessageAltered("The token was signed for " + printable((String) method) + " "
                    + printable((String) target) + ", not for " + printable(received.toString())
                    + ": the request was changed on its way here.");
        }
        if (!received.body().value().equals(body)) {
            throw new MessageAltered("The token was signed for another body than the one of " + printable(
                    received.toString()) + ": the request was changed on its way here.");
        }
    }

    private static SignedJWT parseEdDsa(String token) {
        if (token == null || token.isBlank()) {
            throw rejected(MALFORMED, "Malformed token: the bearer token is empty.");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw rejected(MALFORMED, "Malformed token: it is longer than " + MAX_TOKEN_LENGTH + " characters.");
        }
        try {
            // The algorithm is decided from the raw header first, so that "alg":"none" and
            // encrypted tokens are refused as such and never reach a parser that might accept them.
            Object algorithm = JSONObjectUtils.parse(JOSEObject.split(token)[0].decodeToString()).get("alg");
            if (!(algorithm instanceof String)) {
                throw rejected(MALFORMED, "Malformed token: its header names no algorithm (alg).");
            }
            if (!JWSAlgorithm.EdDSA.getName().equals(algorithm)) {
                throw rejected(WRONG_ALGORITHM, "none".equalsIgnoreCase((String) algorithm)
                        ? "Token is not signed (alg none); only EdDSA signatures are accepted."
                        : "Token uses algorithm " + printable((String) algorithm) + "; only EdDSA is accepted.");
            }
            return SignedJWT.parse(token);
        } catch (ParseException e) {
            throw rejected(MALFORMED, "Malformed token: it is not a signed JWT (" + printable(e.getMessage()) + ").");
        }
    }

    private static JWTClaimsSet claimsOf(SignedJWT jwt) {
        try {
            return jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw rejected(MALFORMED, "Malformed token: its claims are not valid (" + printable(e.getMessage()) + ").");
        }
    }

    private static void checkSignature(SignedJWT jwt, String issuer, KeyLookup keys) {
        String jwk = keys.publicKeyOf(issuer).orElseThrow(() -> rejected(UNKNOWN_KEY,
                "Unknown key: instance " + issuer + " is not registered here."));
        OctetKeyPair publicKey;
        try {
            publicKey = new InstancePublicKey(jwk).key();
        } catch (InvalidInput e) {
            throw rejected(UNKNOWN_KEY, "Unknown key: the key registered here for instance " + issuer
                    + " is unusable (" + e.getMessage() + "); register that instance again.");
        }
        boolean valid;
        try {
            valid = jwt.verify(new Ed25519Verifier(publicKey));
        } catch (JOSEException e) {
            valid = false;
        }
        if (!valid) {
            throw rejected(BAD_SIGNATURE, "Bad signature: the token does not match the key registered here for"
                    + " instance " + issuer + ". If that instance has new keys, register it again.");
        }
    }

    private static void checkAudience(List<String> audience, String expectedAudience) {
        if (audience == null || audience.isEmpty()) {
            throw rejected(MALFORMED, "Malformed token: it names no audience (aud).");
        }
        if (!audience.equals(List.of(expectedAudience))) {
            throw rejected(WRONG_AUDIENCE, "The token is for instance " + printable(String.join(", ", audience))
                    + ", this is instance " + expectedAudience + ".");
        }
    }

    private static void checkTimes(Instant issuedAt, Instant expiresAt, Date notBefore, String issuer, Instant now) {
        Duration validity = Duration.between(issuedAt, expiresAt);
        if (validity.isNegative() || validity.isZero()) {
            throw rejected(MALFORMED, "Malformed token: it expires (exp) before it is issued (iat).");
        }
        if (validity.compareTo(MAX_VALIDITY) > 0) {
            throw rejected(TOO_LONG, "Token is valid for " + seconds(validity) + " s, longer than the "
                    + MAX_VALIDITY.toSeconds() + " s allowed.");
        }
        Instant validFrom = notBefore == null || notBefore.toInstant().isBefore(issuedAt) ? issuedAt : notBefore.toInstant();
        Duration ahead = Duration.between(now, validFrom);
        if (ahead.compareTo(CLOCK_TOLERANCE) > 0) {
            throw rejected(CLOCK_SKEW, "Token issued " + seconds(ahead) + " s in the future: clock skew of "
                    + seconds(ahead) + " s between the two instances (" + issuer + " and this one)."
                    + " Synchronize their clocks (NTP).");
        }
        Duration overdue = Duration.between(expiresAt, now);
        if (overdue.compareTo(CLOCK_TOLERANCE) > 0) {
            throw rejected(EXPIRED, "Token expired " + seconds(overdue) + " s ago; if the clocks differ,"
                    + " check the clock skew between instance " + issuer + " and this one.");
        }
    }

    private static String instanceIdClaim(String value, String claim) {
        if (value == null) {
            throw rejected(MALFORMED, "Malformed token: it has no " + claim + " claim.");
        }
        if (!InstanceIdentity.isInstanceId(value)) {
            throw rejected(MALFORMED, "Malformed token: its " + claim + " claim is not an instance id (a lower-case UUID).");
        }
        return value;
    }

    private static Instant timeClaim(Date value, String claim) {
        if (value == null) {
            throw rejected(MALFORMED, "Malformed token: it has no " + claim + " claim.");
        }
        return value.toInstant();
    }

    /** Whole seconds, rounded up, so that 5.2 s past a 5 s tolerance does not read "5 s". */
    private static long seconds(Duration duration) {
        long seconds = duration.toSeconds();
        return duration.minusSeconds(seconds).isZero() ? seconds : seconds + 1;
    }

    /** Text from a token, fit to be shown back: short and without control characters. */
    private static String printable(String text) {
        if (text == null) {
            return "";
        }
        String shown = text.length() > 80 ? text.substring(0, 80) + "…" : text;
        return shown.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    private static TokenRejected rejected(TokenRejected.Reason reason, String message) {
        return new TokenRejected(reason, message);
    }
}
