package dev.facet.core.lfs;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A list of text fields and their HMAC-SHA256, as one URL-safe string ({@code payload.signature}): the
 * short-lived credentials the Git LFS API hands out. The first field names what kind of credential it is,
 * so one kind can never be read as another even under the same key. Fields may not contain {@code |}.
 */
final class SignedFields {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final int MIN_KEY_BYTES = 32;
    private final Supplier<byte[]> key;

    SignedFields(byte[] key) {
        this(constant(key));
    }

    /** Signs and checks with the key {@code key} gives at each use: a key shared by a farm's nodes may change. */
    SignedFields(Supplier<byte[]> key) {
        this.key = key;
    }

    static Supplier<byte[]> constant(byte[] key) {
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("A signing key needs at least " + MIN_KEY_BYTES + " bytes");
        }
        byte[] copy = key.clone();
        return () -> copy;
    }

    String sign(List<String> fields) {
        for (String field : fields) {
            if (field.indexOf('|') >= 0) {
                throw new IllegalArgumentException("A signed field may not contain '|'");
            }
        }
        String payload = String.join("|", fields);
        return ENCODER.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "."
                + ENCODER.encodeToString(mac(payload));
    }

    /** The fields of {@code token} when it is whole and signed with this key, else empty. */
    Optional<List<String>> verify(String token) {
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String payload;
        byte[] signature;
        try {
            payload = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
            signature = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(signature, mac(payload))) {
            return Optional.empty();
        }
        return Optional.of(Arrays.asList(payload.split("\\|", -1)));
    }

    private byte[] mac(String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            byte[] current = key.get();
            if (current.length < MIN_KEY_BYTES) {
                throw new IllegalStateException("A signing key needs at least " + MIN_KEY_BYTES + " bytes");
            }
            mac.init(new SecretKeySpec(current, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Every Java runtime has HmacSHA256", e);
        }
    }
}
