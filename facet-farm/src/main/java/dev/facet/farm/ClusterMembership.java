package dev.facet.farm;

import dev.facet.mirror.FarmMembership;
import dev.facet.mirror.MirrorIdentity;
import java.util.List;

/** The farm's members as its cluster sees them now, the coordinator first. */
public final class ClusterMembership implements FarmMembership {
    private final FarmCluster cluster;

    public ClusterMembership(FarmCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public List<Member> members(MirrorIdentity self) {
        return cluster.nodes().stream().map(node -> new Member(node.id(), node.name(), node.host(), node.port(),
                node.local(), node.version())).toList();
    }
}
