package dev.facet.core.mirror;

import static dev.facet.core.mirror.UpstreamState.INSTALLED;
import static dev.facet.core.mirror.UpstreamState.PENDING;
import static dev.facet.core.mirror.UpstreamState.REJECTED;
import static dev.facet.core.mirror.UpstreamState.REMOVED;
import static dev.facet.core.mirror.UpstreamState.UNCONFIGURED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpstreamStateTest {
    private record Move(UpstreamState from, UpstreamState to) {
    }

    /** Every move a mirror really makes, and who makes it. */
    private static final List<Move> REAL_MOVES = List.of(
            new Move(UNCONFIGURED, PENDING),   // Registration sends the authorization request
            new Move(UNCONFIGURED, INSTALLED), // a farm node joins its installed farm, vouched for by a member
            new Move(PENDING, INSTALLED),      // an administrator accepts it (or restores the old registration)
            new Move(PENDING, REJECTED),       // an administrator rejects it
            new Move(INSTALLED, REMOVED),      // the heartbeat answers REMOVED, or the registration is gone
            new Move(REMOVED, INSTALLED),      // Restore on the primary, seen in a heartbeat
            new Move(REJECTED, INSTALLED),     // Restore on the primary after a reconnect request was rejected
            new Move(REMOVED, UNCONFIGURED),   // reconnect: a new request at once, or at the next start
            new Move(REJECTED, UNCONFIGURED)); // reconnect after a rejection

    @Test
    void everyMoveAMirrorMakesIsAllowedAndNoOtherIs() {
        Set<Move> allowed = new HashSet<>();
        for (UpstreamState from : UpstreamState.values()) {
            for (UpstreamState to : UpstreamState.values()) {
                if (from.canMoveTo(to)) {
                    allowed.add(new Move(from, to));
                }
            }
        }
        assertThat(allowed).containsExactlyInAnyOrderElementsOf(REAL_MOVES);
    }

    @Test
    void noStateMovesToItself() {
        for (UpstreamState state : UpstreamState.values()) {
            assertThat(state.canMoveTo(state)).as(state.name()).isFalse();
        }
    }

    @Test
    void onlyARemovedOrRejectedMirrorReconnects() {
        assertThat(UpstreamState.movingTo(UNCONFIGURED)).isEqualTo(EnumSet.of(REMOVED, REJECTED));
    }

    @Test
    void anInstalledMirrorCanOnlyBeRemoved() {
        assertThat(UpstreamState.movingTo(REMOVED)).isEqualTo(EnumSet.of(INSTALLED));
        assertThat(EnumSet.allOf(UpstreamState.class).stream().filter(INSTALLED::canMoveTo).toList())
                .containsExactly(REMOVED);
    }
}
