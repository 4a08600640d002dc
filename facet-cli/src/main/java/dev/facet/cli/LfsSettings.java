package dev.facet.cli;

/** Git LFS settings: the largest object a client may upload ({@code facet.lfs.max-object-bytes}). */
public record LfsSettings(long maxObjectBytes) {
    /** Large enough for disk images and game assets, small enough that one object cannot fill an ordinary disk. */
    public static final long DEFAULT_MAX_OBJECT_BYTES = 10L * 1024 * 1024 * 1024;

    /**
     * How long the files of objects no repository holds any more (those of deleted repositories) are kept
     * before they are deleted: the window Facet keeps deleted things in elsewhere.
     */
    public static final java.time.Duration KEPT_UNHELD = java.time.Duration.ofDays(7);
    /** How often unheld objects are looked for. */
    static final java.time.Duration PURGE_INTERVAL = java.time.Duration.ofHours(1);

    static LfsSettings from(RawSettings raw) {
        return new LfsSettings(raw.positiveLong(RawSettings.LFS_MAX_OBJECT_BYTES, DEFAULT_MAX_OBJECT_BYTES));
    }
}
