package dev.facet.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncRateTest {
    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-11-30T12:00:00.250Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final MovingClock clock = new MovingClock();
    private final SyncRate rate = new SyncRate(clock);

    private void syncs(int count) {
        for (int i = 0; i < count; i++) {
            rate.onSynced(i, 10, 0);
        }
    }

    @Test
    void aMirrorThatSyncedNothingHasNoRateAndNoTimeLeft() {
        assertThat(rate.perSecond()).isZero();
        assertThat(new MirrorStatus.Progress("SYNCHRONIZING", 100, 0, 100, 0, List.of(), false, rate.perSecond())
                .timeLeft()).isEmpty();
    }

    @Test
    void theRateIsTheSyncsOfTheLastThirtySecondsOverThem() {
        for (int second = 0; second < 40; second++) {
            syncs(second < 10 ? 100 : 20);
            clock.advance(Duration.ofSeconds(1));
        }

        // Seconds 10..39 synced 20 each; the current second (40) none yet.
        assertThat(rate.perSecond()).isCloseTo(29 * 20 / 30.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void justAfterTheStartTheRateCountsOnlyTheSecondsSinceThen() {
        syncs(10);
        clock.advance(Duration.ofSeconds(1));
        syncs(10);

        assertThat(rate.perSecond()).isEqualTo(10.0);
    }

    @Test
    void timeLeftIsWhatIsBehindAtTheRecentRate() {
        MirrorStatus.Progress progress = new MirrorStatus.Progress("SYNCHRONIZING", 10_000, 4_000, 6_000, 0,
                List.of(), false, 200);

        assertThat(progress.timeLeft()).contains(Duration.ofSeconds(30));
        assertThat(progress.withoutNames().timeLeft()).contains(Duration.ofSeconds(30));
    }

    @Test
    void aStalledMirrorAfterThirtySecondsWithoutASyncShowsNoRate() {
        syncs(50);
        clock.advance(Duration.ofSeconds(31));

        assertThat(rate.perSecond()).isZero();
    }
}
