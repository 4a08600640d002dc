package dev.facet.core.mirror;

/**
 * What a mirror spared its primary and what it still cost it, counted by the mirror since it was
 * installed: clones and fetches it served from its own disk and their pack bytes, pushes it passed
 * on to the primary and their bytes both ways, and the pack bytes it fetched from the primary to
 * stay in sync.
 */
public record MirrorOffload(long clones, long fetches, long bytesServed, long pushesForwarded, long bytesForwarded,
                            long bytesFetched) {
    public static final MirrorOffload NONE = new MirrorOffload(0, 0, 0, 0, 0, 0);

    public MirrorOffload {
        if (clones < 0 || fetches < 0 || bytesServed < 0 || pushesForwarded < 0 || bytesForwarded < 0
                || bytesFetched < 0) {
            throw new IllegalArgumentException("Offload counts cannot be negative");
        }
    }

    /** The counts of two nodes of one mirror together. */
    public MirrorOffload plus(MirrorOffload other) {
        return new MirrorOffload(clones + other.clones, fetches + other.fetches, bytesServed + other.bytesServed,
                pushesForwarded + other.pushesForwarded, bytesForwarded + other.bytesForwarded,
                bytesFetched + other.bytesFetched);
    }
}
