package dev.facet.cli;

import dev.facet.git.ClonePackCache;

/**
 * The limits on Git traffic both roles share: how much disk kept clone answers may take, and the
 * largest push a client may send.
 */
public record GitLimits(ClonePackCache.Limits cloneCache, long maxPushBytes) {
    /** Large enough for any ordinary push, small enough that one push cannot fill a disk. */
    public static final long DEFAULT_MAX_PUSH_BYTES = 2L * 1024 * 1024 * 1024;

    static GitLimits from(RawSettings raw) {
        ClonePackCache.Limits cache = new ClonePackCache.Limits(
                (int) Math.min(Integer.MAX_VALUE, raw.nonNegativeLong(RawSettings.CLONE_CACHE_MAX_FILES_PER_REPOSITORY,
                        ClonePackCache.Limits.DEFAULT_MAX_FILES_PER_REPOSITORY)),
                raw.nonNegativeLong(RawSettings.CLONE_CACHE_MAX_BYTES_PER_REPOSITORY,
                        ClonePackCache.Limits.DEFAULT_MAX_BYTES_PER_REPOSITORY),
                raw.nonNegativeLong(RawSettings.CLONE_CACHE_MAX_BYTES, ClonePackCache.Limits.DEFAULT_MAX_BYTES_TOTAL));
        return new GitLimits(cache, raw.positiveLong(RawSettings.MAX_PUSH_BYTES, DEFAULT_MAX_PUSH_BYTES));
    }
}
