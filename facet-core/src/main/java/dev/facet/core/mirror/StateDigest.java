package dev.facet.core.mirror;

import dev.facet.core.digest.Sha256;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * An order-independent fingerprint of what a mirror should hold: each repository's digest is the
 * first 128 bits of SHA-256 over its id, names, visibility and refs hash, and the digest of a set
 * is the sum of its members' digests (two 64-bit lanes, each modulo 2^64). A sum can be kept up to
 * date by adding and subtracting, and computed by a database's {@code SUM}, so the primary and a
 * mirror compare thousands of repositories by comparing one value.
 */
public record StateDigest(long high, long low) {
    public static final StateDigest ZERO = new StateDigest(0, 0);
    private static final BigInteger LANE = BigInteger.ONE.shiftLeft(64);

    /** The digest of one repository as a mirror announces and serves it; a null refs hash is a repository not yet on disk. */
    public static StateDigest ofRepository(long id, String projectKey, String slug, String name, boolean isPublic,
                                           String refsHash) {
        MessageDigest sha256 = Sha256.newDigest();
        String line = id + "\n" + projectKey + "\n" + slug + "\n" + name + "\n" + isPublic + "\n"
                + (refsHash == null ? "-" : refsHash) + "\n";
        ByteBuffer bytes = ByteBuffer.wrap(sha256.digest(line.getBytes(StandardCharsets.UTF_8)));
        return new StateDigest(bytes.getLong(), bytes.getLong());
    }

    /** A digest from the exact sums of a database's {@code SUM} over the lanes (which may exceed 64 bits). */
    public static StateDigest ofSums(BigDecimal highSum, BigDecimal lowSum) {
        return new StateDigest(lane(highSum), lane(lowSum));
    }

    private static long lane(BigDecimal sum) {
        return sum == null ? 0 : sum.toBigIntegerExact().mod(LANE).longValue();
    }


    public StateDigest plus(StateDigest other) {
        return new StateDigest(high + other.high, low + other.low);
    }

    public String hex() {
        return HexFormat.of().toHexDigits(high) + HexFormat.of().toHexDigits(low);
    }

    @Override
    public String toString() {
        return hex();
    }
}
