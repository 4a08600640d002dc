package dev.facet.primary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.facet.core.error.TooManyRequests;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Requests to the admission endpoint are counted per source address over a sliding minute. */
class AdmissionRateLimitTest {
    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private Instant now = Instant.parse("2026-11-30T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final HandClock clock = new HandClock();
    // Counting needs no database: it happens before anything is read or written.
    private final MirrorAdmission admission = new MirrorAdmission(null, clock, "primary", "{}", () -> "http://primary",
            new MirrorAdmission.Limits(5, 3));

    @Test
    void anAddressOverItsMinuteIsToldWhenItsOldestRequestLeavesTheWindow() {
        admission.countRequestFrom("192.0.2.1");
        clock.advance(Duration.ofSeconds(20));
        admission.countRequestFrom("192.0.2.1");
        admission.countRequestFrom("192.0.2.1");

        TooManyRequests refused = catchThrowableOfType(TooManyRequests.class,
                () -> admission.countRequestFrom("192.0.2.1"));

        assertThat(refused).isNotNull();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(40));
        assertThatCode(() -> admission.countRequestFrom("198.51.100.7")).doesNotThrowAnyException();
        clock.advance(Duration.ofSeconds(40));
        assertThatCode(() -> admission.countRequestFrom("192.0.2.1")).doesNotThrowAnyException();
    }

    @Test
    void limitsBelowOneAreRefusedAtStartUp() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> new MirrorAdmission.Limits(0, 10)))
                .hasMessageContaining("at least 1");
    }
}
