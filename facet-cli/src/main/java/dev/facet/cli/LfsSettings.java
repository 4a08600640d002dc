package dev.facet.cli;

/**
 * Git LFS settings of the primary.
 *
 * @param maxObjectBytes        the largest object a client may upload ({@code facet.lfs.max-object-bytes})
 * @param maxConcurrentUploads  how many uploads run at once; one more is told to retry
 *                              ({@code facet.lfs.max-concurrent-uploads})
 * @param maxLocksPerRepository the most file locks one repository holds ({@code facet.lfs.max-locks-per-repository})
 */
public record LfsSettings(long maxObjectBytes, int maxConcurrentUploads, int maxLocksPerRepository) {
    /** Large enough for disk images and game assets, small enough that one object cannot fill an ordinary disk. */
    public static final long DEFAULT_MAX_OBJECT_BYTES = 10L * 1024 * 1024 * 1024;
    /** git-lfs sends 8 transfers at once: two clients' worth of uploads, each holding a thread and a temporary file. */
    public static final int DEFAULT_MAX_CONCURRENT_UPLOADS = 16;
    /** Every push loads the repository's locks to check its paths: enough for a large team, cheap to load. */
    public static final int DEFAULT_MAX_LOCKS_PER_REPOSITORY = 10_000;

    /**
     * How long the files of objects no repository holds any more (those of deleted repositories) are kept
     * before they are deleted: the window Facet keeps deleted things in elsewhere.
     */
    public static final java.time.Duration KEPT_UNHELD = java.time.Duration.ofDays(7);
    /** How often unheld objects are looked for. */
    static final java.time.Duration PURGE_INTERVAL = java.time.Duration.ofHours(1);

    static LfsSettings from(RawSettings raw) {
        return new LfsSettings(raw.positiveLong(RawSettings.LFS_MAX_OBJECT_BYTES, DEFAULT_MAX_OBJECT_BYTES),
                (int) Math.min(Integer.MAX_VALUE, raw.positiveLong(RawSettings.LFS_MAX_CONCURRENT_UPLOADS,
                        DEFAULT_MAX_CONCURRENT_UPLOADS)),
                (int) Math.min(Integer.MAX_VALUE, raw.positiveLong(RawSettings.LFS_MAX_LOCKS_PER_REPOSITORY,
                        DEFAULT_MAX_LOCKS_PER_REPOSITORY)));
    }
}
