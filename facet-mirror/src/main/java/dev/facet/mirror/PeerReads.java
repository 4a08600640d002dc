package dev.facet.mirror;

import dev.facet.core.error.NotFound;

/**
 * Who may read this node's copy of a repository over the farm's network, so that a node joining
 * the farm takes the objects from a peer rather than across the WAN from the upstream. Only the
 * farm's own members may; a lone mirror has no peers ({@link #NONE}).
 */
@FunctionalInterface
public interface PeerReads {
    /** A lone mirror: the peer endpoint does not exist. */
    PeerReads NONE = (authorization, repositoryId, resource) -> {
        throw new NotFound("repository", "Not found: this mirror belongs to no farm.");
    };

    /** Where the peer endpoint is mounted on a node's own URL; the load balancer configurations refuse it. */
    String MOUNT = "/farm/scm";

    /** The path of a repository on the peer endpoint, by the id the farm's nodes share: what a peer's token names. */
    static String resource(long repositoryId) {
        return MOUNT + "/repositories/" + repositoryId + ".git";
    }

    /**
     * Lets the request through or refuses it.
     *
     * @param authorization the request's {@code Authorization} header, or null
     * @param resource      the repository's path on this node, which the caller's token must name
     * @throws dev.facet.core.error.AuthenticationRequired when the caller did not prove it is a member of this farm
     * @throws NotFound                                     when this node holds no copy of the repository
     */
    void check(String authorization, long repositoryId, String resource);
}
