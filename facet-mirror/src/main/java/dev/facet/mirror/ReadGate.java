package dev.facet.mirror;

/**
 * Stands before every Git read a node answers (the upload-pack advertisement and the upload-pack
 * call, in every protocol version), so that the node never advertises a repository's refs older
 * than what its farm has published. A lone mirror has nothing to compare with ({@link #OPEN}).
 */
@FunctionalInterface
public interface ReadGate {
    /** A lone node: what it holds is what it serves. */
    ReadGate OPEN = repositoryId -> { };

    /**
     * Returns once the node may answer a read of the repository, having brought it to the farm's
     * published state first when that is newer and its objects are here.
     *
     * @throws CatchingUp when the node cannot serve the published state within a short wait
     */
    void beforeRead(long repositoryId);
}
