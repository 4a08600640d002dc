package dev.facet.primary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.mirror.MirrorServerState;
import dev.facet.core.mirror.MirrorType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The state the primary shows comes from the mirror's own heartbeats, never from what the primary did. */
class MirrorStateDerivationTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static MirrorServer mirror(Instant registered, Instant lastSeen, String reported) {
        return new MirrorServer("m", "mirror", "http://mirror", "{}", MirrorType.SINGLE, true, registered, lastSeen,
                reported, "0.1.0", 0, 0, null, null, null, null);
    }

    @Test
    void removedMirrorIsShownRemovedEvenWhileItStillSendsHeartbeats() {
        MirrorServer removed = new MirrorServer("m", "mirror", "http://mirror", "{}", MirrorType.SINGLE, true,
                NOW.minusSeconds(600), NOW.minusSeconds(1), "SYNCHRONIZED", "0.1.0", 0, 0, null,
                NOW.minusSeconds(60), NOW.plusSeconds(3600), "admin");
        assertThat(MirrorRegistry.derivedState(removed, NOW)).isEqualTo(MirrorServerState.REMOVED);
    }

    @Test
    void justAuthorizedMirrorWithoutHeartbeatIsSynchronizing() {
        assertThat(MirrorRegistry.derivedState(mirror(NOW.minusSeconds(2), null, null), NOW))
                .isEqualTo(MirrorServerState.SYNCHRONIZING);
    }

    @Test
    void mirrorShowsWhatItLastReported() {
        for (String reported : new String[] {"SYNCHRONIZED", "LAGGING", "SYNCHRONIZING", "REMOVED"}) {
            assertThat(MirrorRegistry.derivedState(mirror(NOW.minusSeconds(600), NOW.minusSeconds(1), reported), NOW))
                    .isEqualTo(MirrorServerState.valueOf(reported));
        }
    }

    @Test
    void silentMirrorIsOfflineWhateverItLastSaid() {
        Instant longAgo = NOW.minus(MirrorRegistry.OFFLINE_AFTER).minusSeconds(1);
        assertThat(MirrorRegistry.derivedState(mirror(NOW.minusSeconds(600), longAgo, "SYNCHRONIZED"), NOW))
                .isEqualTo(MirrorServerState.OFFLINE);
        assertThat(MirrorRegistry.derivedState(mirror(longAgo, null, null), NOW)).isEqualTo(MirrorServerState.OFFLINE);
    }

    @Test
    void unknownReportIsShownAsSynchronizing() {
        assertThat(MirrorRegistry.derivedState(mirror(NOW, NOW, "SOMETHING_NEW"), NOW))
                .isEqualTo(MirrorServerState.SYNCHRONIZING);
    }
}
