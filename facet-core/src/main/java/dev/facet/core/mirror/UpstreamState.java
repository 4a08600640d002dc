package dev.facet.core.mirror;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A mirror's relation to its upstream, kept in the mirror's own database. The allowed
 * transitions are listed here and nowhere else.
 */
public enum UpstreamState {
    UNCONFIGURED, PENDING, INSTALLED, REJECTED, REMOVED;

    private static final Map<UpstreamState, Set<UpstreamState>> NEXT = Map.of(
            UNCONFIGURED, EnumSet.of(PENDING),
            PENDING, EnumSet.of(INSTALLED, REJECTED, PENDING),
            INSTALLED, EnumSet.of(REMOVED),
            REJECTED, EnumSet.of(PENDING),
            REMOVED, EnumSet.of(INSTALLED, PENDING));

    public boolean canMoveTo(UpstreamState next) {
        return NEXT.get(this).contains(next);
    }
}
