package dev.facet.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncRateTest {
    private static final Instant START = Instant.parse("2026-11-30T12:00:00.250Z");

    private final SyncRate rate = new SyncRate(Clock.fixed(START, ZoneOffset.UTC));

    private void syncs(int count, Duration after) {
        for (int i = 0; i < count; i++) {
            rate.syncedAt(START.plus(after).toEpochMilli());
        }
    }

    private double perSecondAfter(Duration after) {
        return rate.perSecondAt(START.plus(after).toEpochMilli());
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
            syncs(second < 10 ? 100 : 20, Duration.ofSeconds(second));
        }

        // Seconds 10..39 synced 20 each; the current second (40) none yet.
        assertThat(perSecondAfter(Duration.ofSeconds(40))).isCloseTo(29 * 20 / 30.0, within(0.01));
    }

    @Test
    void justAfterTheStartTheRateCountsOnlyTheSecondsSinceThen() {
        syncs(10, Duration.ZERO);
        syncs(10, Duration.ofSeconds(1));

        assertThat(perSecondAfter(Duration.ofSeconds(1))).isEqualTo(10.0);
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
        syncs(50, Duration.ZERO);

        assertThat(perSecondAfter(Duration.ofSeconds(31))).isZero();
    }

    @Test
    void theSyncObserverCountsAtTheClocksTime() {
        rate.onSynced(1, "hash-1", 10, 0);
        rate.onSynced(2, "hash-2", 10, 0);

        assertThat(rate.perSecond()).isEqualTo(2.0);
    }
}
