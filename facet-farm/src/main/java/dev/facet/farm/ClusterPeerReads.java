package dev.facet.farm;

import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.NotFound;
import dev.facet.core.identity.RequestTokens;
import dev.facet.git.RepositoryStore;
import dev.facet.mirror.PeerReads;

/**
 * Lets only the farm's live members read this node's copies: a peer signs, with its own node key, a
 * token for this node and the one repository it fetches, and the key is the one its member carries
 * in the cluster now. A user's credentials, a node of another farm, a node that has left the farm, or
 * a token for another node or repository are refused.
 */
public final class ClusterPeerReads implements PeerReads {
    private static final String BEARER = "Bearer ";

    private final FarmCluster cluster;
    private final RequestTokens tokens;
    private final RepositoryStore repositories;

    public ClusterPeerReads(FarmCluster cluster, RequestTokens tokens, RepositoryStore repositories) {
        this.cluster = cluster;
        this.tokens = tokens;
        this.repositories = repositories;
    }

    @Override
    public void check(String authorization, long repositoryId, String resource) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new AuthenticationRequired("Only the nodes of farm '" + cluster.farmName() + "' read here, each "
                    + "with a token signed by its own node key; users fetch at /scm.");
        }
        // The key of a member now: a node that left the farm, or never joined it, is unknown here.
        tokens.verifyForResource(authorization.substring(BEARER.length()).strip(), cluster.nodeId(),
                cluster::memberKey, resource);
        if (!repositories.exists(repositoryId)) {
            throw new NotFound("repository", "Repository " + repositoryId + " is not on this node.");
        }
    }

}
