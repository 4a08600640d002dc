package dev.facet.core.ref;

import dev.facet.core.digest.Sha256;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.ObjectId;

/**
 * A fingerprint of a repository's refs: SHA-256 over its refs sorted by name, one
 * {@code "<name> <object id>\n"} line each. Two repositories with equal hashes advertise the
 * same refs, which is how a mirror knows it is in sync without comparing ref by ref.
 */
public record RefsHash(String value) {
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-f]{64}");

    public RefsHash {
        if (value == null || !HEX_SHA256.matcher(value).matches()) {
            throw new IllegalArgumentException("A refs hash is 64 lower-case hex digits, not '" + value + "'");
        }
    }

    public static RefsHash of(Map<String, ObjectId> refs) {
        MessageDigest sha256 = Sha256.newDigest();
        for (Map.Entry<String, ObjectId> ref : new TreeMap<>(refs).entrySet()) {
            sha256.update((ref.getKey() + " " + ref.getValue().name() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new RefsHash(HexFormat.of().formatHex(sha256.digest()));
    }

    @Override
    public String toString() {
        return value;
    }
}
