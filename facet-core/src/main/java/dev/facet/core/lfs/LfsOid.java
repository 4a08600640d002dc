package dev.facet.core.lfs;

import dev.facet.core.error.InvalidInput;
import java.util.regex.Pattern;

/**
 * The name of a Git LFS object: the SHA-256 of its content as 64 lower-case hex digits. Nothing
 * else is accepted, so an oid can name a file under the object store and never a path out of it.
 */
public record LfsOid(String value) {
    private static final Pattern VALID = Pattern.compile("[0-9a-f]{64}");

    public LfsOid {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new InvalidInput("oid", "'" + shorten(value) + "' is not a Git LFS object id: it must be the "
                    + "SHA-256 of the content as 64 lower-case hex digits.");
        }
    }

    public static LfsOid of(String raw) {
        return new LfsOid(raw);
    }

    private static String shorten(String raw) {
        if (raw == null) {
            return "";
        }
        return raw.length() > 80 ? raw.substring(0, 80) + "..." : raw;
    }

    @Override
    public String toString() {
        return value;
    }
}
