package dev.facet.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
    private static final Instant NOON = Instant.parse("2026-03-01T12:00:00Z");

    private final SettableClock clock = new SettableClock(NOON);

    @Test
    void acceptsEachIdOnce() {
        ReplayGuard guard = new ReplayGuard(clock, 10);

        assertThat(guard.firstUse("a", NOON.plusSeconds(60))).isTrue();
        assertThat(guard.firstUse("b", NOON.plusSeconds(60))).isTrue();
        assertThat(guard.firstUse("a", NOON.plusSeconds(60))).isFalse();
    }

    @Test
    void forgetsIdsOnceTheyExpire() {
        ReplayGuard guard = new ReplayGuard(clock, 10);
        guard.firstUse("short", NOON.plusSeconds(10));
        guard.firstUse("long", NOON.plusSeconds(60));

        clock.advance(Duration.ofSeconds(10));
        assertThat(guard.size()).as("at its expiry an id is still remembered").isEqualTo(2);
        assertThat(guard.firstUse("short", NOON.plusSeconds(10))).isFalse();

        clock.advance(Duration.ofMillis(1));
        assertThat(guard.size()).isEqualTo(1);
        assertThat(guard.firstUse("long", NOON.plusSeconds(60))).isFalse();
    }

    @Test
    void refusesNewIdsRatherThanForgetUnexpiredOnesWhenFull() {
        ReplayGuard guard = new ReplayGuard(clock, 2);
        guard.firstUse("a", NOON.plusSeconds(60));
        guard.firstUse("b", NOON.plusSeconds(60));

        TokenRejected full = catchThrowableOfType(TokenRejected.class, () -> guard.firstUse("c", NOON.plusSeconds(60)));

        assertThat(full.reason()).isEqualTo(TokenRejected.Reason.REPLAY_GUARD_FULL);
        assertThat(full).hasMessageContaining("Retry in a few seconds");
        assertThat(guard.firstUse("a", NOON.plusSeconds(60))).as("a is still remembered").isFalse();
    }

    @Test
    void makesRoomAgainAsIdsExpire() {
        ReplayGuard guard = new ReplayGuard(clock, 1);
        guard.firstUse("a", NOON.plusSeconds(5));

        clock.advance(Duration.ofSeconds(6));

        assertThat(guard.firstUse("b", NOON.plusSeconds(60))).isTrue();
    }
}
