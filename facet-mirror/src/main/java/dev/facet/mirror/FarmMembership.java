package dev.facet.mirror;

import java.net.URI;
import java.util.List;

/**
 * The nodes that serve as this mirror, as {@code GET farmNodes} lists them. A lone mirror is a
 * farm of one ({@link #alone}); a farm's members come from its cluster.
 */
public interface FarmMembership {
    /**
     * One node: its id (its instance id), its name, where its peers reach it, whether it is the
     * node answering, and the Facet version it runs.
     */
    record Member(String id, String name, String hostName, int port, boolean local, String buildVersion) {
    }

    /** The members now, the coordinator first, as seen by the node that introduces itself as {@code self}. */
    List<Member> members(MirrorIdentity self);

    /** A lone mirror: itself, at the host and port of its base URL. */
    static FarmMembership alone(String version) {
        return self -> {
            URI url = URI.create(self.baseUrl());
            int port = url.getPort() != -1 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
            return List.of(new Member(self.id(), self.name(), url.getHost(), port, true, version));
        };
    }
}
