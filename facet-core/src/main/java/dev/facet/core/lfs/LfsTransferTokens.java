package dev.facet.core.lfs;

import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.PermissionDenied;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived tokens a batch answer hands out for one transfer: one operation on one object of one
 * repository, until a time. The client sends one back in the {@code Authorization} header of the
 * download, upload or verify request, so the user's password or access token travels only with the
 * batch request. Tokens are HMAC-SHA256 over their fields with a key the instance holds in memory:
 * they do not outlive a restart, which costs a client one more batch request. Servers that must honour
 * each other's tokens (a mirror farm's nodes) sign with a key they share, read from a supplier.
 */
public final class LfsTransferTokens {
    /** The scheme of the {@code Authorization} header that carries a transfer token. */
    public static final String SCHEME = "FacetLfsTransfer";
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(15);
    private static final String VERSION = "1";

    private static final int MIN_KEY_BYTES = 32;

    private final Supplier<byte[]> key;
    private final Clock clock;
    private final Duration lifetime;

    /** What a token lets its holder do. */
    public enum Operation {
        DOWNLOAD, UPLOAD
    }

    /**
     * What a token was issued for.
     *
     * @param repositoryPath the repository as its URL names it: the project key in upper case, '/', the slug
     */
    public record Grant(Operation operation, long repositoryId, String repositoryPath, LfsPointer pointer,
                        Instant expiresAt) {
    }

    public LfsTransferTokens(byte[] key, Clock clock, Duration lifetime) {
        this(constant(key), clock, lifetime);
    }

    /** @param key the key to sign and check with now, asked at each use: it may change (shared keys agree again) */
    public LfsTransferTokens(Supplier<byte[]> key, Clock clock, Duration lifetime) {
        this.key = key;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    private static Supplier<byte[]> constant(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("A transfer token key needs at least " + MIN_KEY_BYTES + " bytes");
        }
        byte[] kept = key.clone();
        return () -> kept;
    }

    public Duration lifetime() {
        return lifetime;
    }

    public String issue(Operation operation, long repositoryId, String repositoryPath, LfsPointer pointer) {
        Instant expiresAt = clock.instant().plus(lifetime);
        String payload = String.join("|", VERSION, operation.name(), Long.toString(repositoryId),
                repositoryPath.toUpperCase(Locale.ROOT), pointer.oid().value(), Long.toString(pointer.size()),
                Long.toString(expiresAt.getEpochSecond()));
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        return base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + base64.encodeToString(mac(payload));
    }

    /** The header value a transfer request carries. */
    public static String header(String token) {
        return SCHEME + " " + token;
    }

    /**
     * Checks the token of a transfer request against what the request asks for.
     *
     * @param authorization the request's {@code Authorization} header (may be null)
     * @throws AuthenticationRequired when there is no token, or it is forged, damaged or expired
     * @throws PermissionDenied       when the token is sound but for another operation, repository or object
     */
    public Grant check(String authorization, Operation operation, String repositoryPath, LfsOid oid) {
        Grant grant = read(authorization);
        if (grant.operation() != operation) {
            throw new PermissionDenied("This transfer token is for a " + grant.operation().name().toLowerCase(Locale.ROOT)
                    + ", not a " + operation.name().toLowerCase(Locale.ROOT) + "; ask the batch API for another.");
        }
        if (!grant.repositoryPath().equals(repositoryPath.toUpperCase(Locale.ROOT))) {
            throw new PermissionDenied("This transfer token is for another repository.");
        }
        if (!grant.pointer().oid().equals(oid)) {
            throw new PermissionDenied("This transfer token is for another object.");
        }
        return grant;
    }

    private Grant read(String authorization) {
        String prefix = SCHEME + " ";
        if (authorization == null || !authorization.startsWith(prefix)) {
            throw new AuthenticationRequired("A Git LFS transfer needs the token the batch API gave with it "
                    + "(Authorization: " + SCHEME + " ...).");
        }
        String token = authorization.substring(prefix.length()).strip();
        int dot = token.indexOf('.');
        String payload;
        byte[] signature;
        try {
            payload = new String(Base64.getUrlDecoder().decode(token.substring(0, Math.max(dot, 0))),
                    StandardCharsets.UTF_8);
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (dot < 0 || !MessageDigest.isEqual(signature, mac(payload))) {
            throw invalid();
        }
        String[] fields = payload.split("\\|", -1);
        if (fields.length != 7 || !fields[0].equals(VERSION)) {
            throw invalid();
        }
        Grant grant = new Grant(Operation.valueOf(fields[1]), Long.parseLong(fields[2]), fields[3],
                new LfsPointer(LfsOid.of(fields[4]), Long.parseLong(fields[5])),
                Instant.ofEpochSecond(Long.parseLong(fields[6])));
        if (!clock.instant().isBefore(grant.expiresAt())) {
            throw new AuthenticationRequired("This Git LFS transfer token expired at " + grant.expiresAt()
                    + "; ask the batch API for another.");
        }
        return grant;
    }

    private static AuthenticationRequired invalid() {
        return new AuthenticationRequired("This Git LFS transfer token is not one this server issued.");
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            byte[] current = key.get();
            if (current.length < MIN_KEY_BYTES) {
                throw new IllegalStateException("A transfer token key needs at least " + MIN_KEY_BYTES + " bytes");
            }
            mac.init(new SecretKeySpec(current, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every Java runtime has HmacSHA256", e);
        }
    }
}
