package dev.facet.core.lfs;

/** What a repository holds in Git LFS: how many objects and their bytes together. */
public record LfsUsage(long objectCount, long bytes) {
    public static final LfsUsage NONE = new LfsUsage(0, 0);
}
