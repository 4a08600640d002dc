package dev.facet.core.mirror;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A mirror's relation to its upstream, kept in the mirror's own database. The allowed
 * transitions are listed here and nowhere else:
 *
 * <pre>
 * UNCONFIGURED --request--> PENDING --accepted--> INSTALLED --removed--> REMOVED
 *                              |                     ^   ^                   |
 *                          rejected                  |   +----restored-------+
 *                              v                     |                       |
 *                           REJECTED ---restored-----+                       |
 *                              |                                             |
 *                              +--reconnect--> UNCONFIGURED <--reconnect-----+
 * </pre>
 *
 * A pending request can also end in INSTALLED by a Restore on the primary (the mirror asked to
 * reconnect, and an administrator restored its old registration instead), and a rejected one
 * likewise. A node that joins a mirror farm already installed goes from UNCONFIGURED straight to
 * INSTALLED once a trusted node of its farm has vouched for it: the farm's one authorization
 * covers it, and no request of its own is sent. A reset forgets the link altogether and starts this machine over; it is not a move
 * within it.
 */
public enum UpstreamState {
    UNCONFIGURED, PENDING, INSTALLED, REJECTED, REMOVED;

    private static final Map<UpstreamState, Set<UpstreamState>> NEXT = Map.of(
            UNCONFIGURED, EnumSet.of(PENDING, INSTALLED),
            PENDING, EnumSet.of(INSTALLED, REJECTED),
            INSTALLED, EnumSet.of(REMOVED),
            REJECTED, EnumSet.of(INSTALLED, UNCONFIGURED),
            REMOVED, EnumSet.of(INSTALLED, UNCONFIGURED));

    public boolean canMoveTo(UpstreamState next) {
        return NEXT.get(this).contains(next);
    }

    /** The states from which {@code next} can be reached, for messages that say what a move needs. */
    public static Set<UpstreamState> movingTo(UpstreamState next) {
        Set<UpstreamState> from = EnumSet.noneOf(UpstreamState.class);
        Arrays.stream(values()).filter(state -> state.canMoveTo(next)).forEach(from::add);
        return from;
    }
}
