package dev.facet.core.store;

import dev.facet.core.mirror.UpstreamLink;
import java.util.Optional;

/** The one row in which a mirror keeps its link to the upstream. */
public interface UpstreamLinks {
    Optional<UpstreamLink> get();

    void save(UpstreamLink link);
}
