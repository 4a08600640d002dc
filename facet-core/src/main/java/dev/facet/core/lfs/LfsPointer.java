package dev.facet.core.lfs;

import dev.facet.core.error.InvalidInput;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/** One Git LFS object as a client names it: its oid and its size in bytes. */
public record LfsPointer(LfsOid oid, long size) {
    public LfsPointer {
        Objects.requireNonNull(oid, "oid");
        if (size < 0) {
            throw new InvalidInput("size", "The size of object " + oid + " is " + size + "; it must be at least 0.");
        }
    }

    /** Pointer files are small; a blob larger than this is content, never a pointer (git-lfs uses the same bound). */
    public static final int MAX_POINTER_FILE_BYTES = 1024;
    private static final String SPEC = "version https://git-lfs.github.com/spec/v1";

    /**
     * The object a pointer file names, as Git stores it in place of the content: the spec line, then
     * {@code oid sha256:<hex>} and {@code size <bytes>} among its key-value lines. Anything else is not a pointer.
     */
    public static Optional<LfsPointer> parseFile(byte[] blob) {
        if (blob.length > MAX_POINTER_FILE_BYTES) {
            return Optional.empty();
        }
        String[] lines = new String(blob, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 3 || !lines[0].strip().equals(SPEC)) {
            return Optional.empty();
        }
        String oid = null;
        String size = null;
        for (String line : lines) {
            if (line.startsWith("oid sha256:")) {
                oid = line.substring("oid sha256:".length()).strip();
            } else if (line.startsWith("size ")) {
                size = line.substring("size ".length()).strip();
            }
        }
        try {
            return oid == null || size == null ? Optional.empty()
                    : Optional.of(new LfsPointer(LfsOid.of(oid), Long.parseLong(size)));
        } catch (InvalidInput | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
