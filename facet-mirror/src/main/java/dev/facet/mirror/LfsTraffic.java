package dev.facet.mirror;

/** Told of the Git LFS bytes a mirror serves from its disk and fetches from the primary; metrics implement it. */
public interface LfsTraffic {
    LfsTraffic NONE = new LfsTraffic() { };

    /** Bytes of objects sent to a client from this mirror's disk. */
    default void onServed(long bytes) {
    }

    /** Bytes of objects fetched from the primary (each object once). */
    default void onFetched(long bytes) {
    }
}
