package dev.facet.primary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retry schedule of webhook deliveries as shipped: how soon a receiver that was down hears again. */
class WebhookBackoffTest {
    private static final WebhookDeliveries.Settings SHIPPED = WebhookDeliveries.Settings.DEFAULTS;

    /** When each attempt is made while the receiver stays down until {@code outage}; the last is the first after. */
    private static List<Duration> attemptsAcross(Duration outage) {
        List<Duration> attempts = new ArrayList<>();
        Duration at = Duration.ZERO;
        attempts.add(at);
        // A receiver that is down refuses at once, so attempts are spaced by the back-off alone.
        for (int failures = 1; at.compareTo(outage) < 0; failures++) {
            at = at.plus(SHIPPED.backoff(failures));
            attempts.add(at);
        }
        return attempts;
    }

    @Test
    void aReceiverDownForThirtySecondsIsTriedFiveTimesAndAgainASecondAfterItReturns() {
        assertThat(attemptsAcross(Duration.ofSeconds(30))).containsExactly(Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(3), Duration.ofSeconds(7), Duration.ofSeconds(15), Duration.ofSeconds(31));
    }

    @Test
    void theWaitDoublesUpToFiveMinutesAndStaysThereWithoutGivingUp() {
        assertThat(SHIPPED.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(SHIPPED.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(SHIPPED.backoff(9)).isEqualTo(Duration.ofSeconds(256));
        assertThat(SHIPPED.backoff(10)).isEqualTo(Duration.ofMinutes(5));
        assertThat(SHIPPED.backoff(10_000)).isEqualTo(Duration.ofMinutes(5));
        assertThat(SHIPPED.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void afterAnyOutageTheNextAttemptComesAtMostTheLongestWaitAfterTheReceiverReturns() {
        for (long seconds : new long[] {1, 30, 59, 300, 3_600, 86_400}) {
            Duration outage = Duration.ofSeconds(seconds);
            List<Duration> attempts = attemptsAcross(outage);
            Duration firstAfter = attempts.get(attempts.size() - 1);
            assertThat(firstAfter).as("outage of %s", outage).isGreaterThanOrEqualTo(outage)
                    .isLessThanOrEqualTo(outage.plus(SHIPPED.retryMax()));
        }
    }

    @Test
    void aShorterLongestWaitCapsTheSchedule() {
        WebhookDeliveries.Settings quick = new WebhookDeliveries.Settings(false, Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(quick.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(quick.backoff(30)).isEqualTo(Duration.ofSeconds(1));
    }
}
