package dev.facet.core.lfs;

import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.PermissionDenied;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Short-lived tokens a batch answer hands out for one transfer: one operation on one object of one
 * repository, until a time. The client sends one back in the {@code Authorization} header of the
 * download, upload or verify request, so the user's password or access token travels only with the
 * batch request. Tokens are HMAC-SHA256 over their fields with a key held in memory only: a lone
 * instance's dies with it (a restart costs a client one more batch request); a farm's nodes share
 * theirs, so a transfer may reach another node than its batch and survives one node's restart.
 */
public final class LfsTransferTokens {
    /** The scheme of the {@code Authorization} header that carries a transfer token. */
    public static final String SCHEME = "FacetLfsTransfer";
    /**
     * How long after a batch answer its transfers may start: the most a permission revoked meanwhile is outlived,
     * since a transfer carries no user credentials to decide again. git-lfs asks for a new batch answer for an
     * action about to expire, so a short life costs a long transfer queue one more batch request.
     */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    /**
     * How long past its expiry an upload's token still verifies that upload: git-lfs sends the verify request with
     * the upload's token once the upload ends, and a large upload outlasts the token. Verifying reveals only whether
     * the object the token named is stored.
     */
    public static final Duration VERIFY_GRACE = Duration.ofHours(24);
    private static final String KIND = "lfs-transfer-1";

    private final SignedFields signer;
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
     * @param holder         whom it was issued to ({@code user:ID}, {@code address:IP}), or empty when not said
     */
    public record Grant(Operation operation, long repositoryId, String repositoryPath, LfsPointer pointer,
                        Instant expiresAt, String holder) {
    }

    public LfsTransferTokens(byte[] key, Clock clock, Duration lifetime) {
        this(SignedFields.constant(key), clock, lifetime);
    }

    /** @param key the key to sign and check with now, asked at each use: it may change (shared keys agree again) */
    public LfsTransferTokens(Supplier<byte[]> key, Clock clock, Duration lifetime) {
        this.signer = new SignedFields(key);
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public Duration lifetime() {
        return lifetime;
    }

    public String issue(Operation operation, long repositoryId, String repositoryPath, LfsPointer pointer) {
        return issue(operation, repositoryId, repositoryPath, pointer, "");
    }

    /** @param holder whom the token is for ({@code user:ID}, {@code address:IP}), so that their uploads are counted */
    public String issue(Operation operation, long repositoryId, String repositoryPath, LfsPointer pointer,
                        String holder) {
        Instant expiresAt = clock.instant().plus(lifetime);
        List<String> fields = new ArrayList<>(List.of(KIND, operation.name(), Long.toString(repositoryId),
                repositoryPath.toUpperCase(Locale.ROOT), pointer.oid().value(), Long.toString(pointer.size()),
                Long.toString(expiresAt.getEpochSecond())));
        // Without a holder, the seven fields every node of a farm reads, whatever its version.
        if (!holder.isEmpty()) {
            fields.add(holder);
        }
        return signer.sign(fields);
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
        return matching(read(authorization, Duration.ZERO), operation, repositoryPath, oid);
    }

    private static Grant matching(Grant grant, Operation operation, String repositoryPath, LfsOid oid) {
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

    /**
     * Checks the token of a verify request: the upload's token for that object, within {@link #VERIFY_GRACE} of its
     * expiry.
     */
    public Grant checkVerify(String authorization, String repositoryPath, LfsOid oid) {
        return matching(read(authorization, VERIFY_GRACE), Operation.UPLOAD, repositoryPath, oid);
    }

    private Grant read(String authorization, Duration grace) {
        String prefix = SCHEME + " ";
        if (authorization == null || !authorization.startsWith(prefix)) {
            throw new AuthenticationRequired("A Git LFS transfer needs the token the batch API gave with it "
                    + "(Authorization: " + SCHEME + " ...).");
        }
        List<String> fields = signer.verify(authorization.substring(prefix.length()).strip())
                // Seven fields: a token that names no holder (a download's, or one issued before holders were named).
                .filter(signed -> (signed.size() == 7 || signed.size() == 8) && signed.get(0).equals(KIND))
                .orElseThrow(LfsTransferTokens::invalid);
        Grant grant = new Grant(Operation.valueOf(fields.get(1)), Long.parseLong(fields.get(2)), fields.get(3),
                new LfsPointer(LfsOid.of(fields.get(4)), Long.parseLong(fields.get(5))),
                Instant.ofEpochSecond(Long.parseLong(fields.get(6))), fields.size() == 8 ? fields.get(7) : "");
        if (!clock.instant().isBefore(grant.expiresAt().plus(grace))) {
            throw new AuthenticationRequired("This Git LFS transfer token expired at " + grant.expiresAt()
                    + "; ask the batch API for another.");
        }
        return grant;
    }

    private static AuthenticationRequired invalid() {
        return new AuthenticationRequired("This Git LFS transfer token is not one this server issued.");
    }
}
