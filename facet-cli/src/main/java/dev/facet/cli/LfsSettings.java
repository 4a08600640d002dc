package dev.facet.cli;

/** Git LFS settings: the largest object a client may upload ({@code facet.lfs.max-object-bytes}). */
public record LfsSettings(long maxObjectBytes) {
    /** Large enough for disk images and game assets, small enough that one object cannot fill an ordinary disk. */
    public static final long DEFAULT_MAX_OBJECT_BYTES = 10L * 1024 * 1024 * 1024;

    static LfsSettings from(RawSettings raw) {
        return new LfsSettings(raw.positiveLong(RawSettings.LFS_MAX_OBJECT_BYTES, DEFAULT_MAX_OBJECT_BYTES));
    }
}
