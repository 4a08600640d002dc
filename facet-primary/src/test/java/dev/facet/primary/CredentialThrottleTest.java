package dev.facet.primary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.core.error.TooManyAttempts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CredentialThrottleTest {
    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

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

    private final ManualClock clock = new ManualClock();
    private final CredentialThrottle throttle = new CredentialThrottle(clock);

    private void fail(String account, String address, int times) {
        for (int i = 0; i < times; i++) {
            throttle.beforeAttempt(account, address);
            throttle.failed(account, address);
        }
    }

    @Test
    void aFewTyposAreFreeThenTheClientWaitsLongerAfterEachFailure() {
        fail("dave", "10.0.0.1", CredentialThrottle.ACCOUNT_FROM_ADDRESS.freeFailures());

        assertThatThrownBy(() -> throttle.beforeAttempt("dave", "10.0.0.1")).isInstanceOf(TooManyAttempts.class)
                .extracting(e -> ((TooManyAttempts) e).retryAfterSeconds()).isEqualTo(2L);
        clock.advance(Duration.ofSeconds(2));
        fail("dave", "10.0.0.1", 1);
        assertThatThrownBy(() -> throttle.beforeAttempt("dave", "10.0.0.1"))
                .extracting(e -> ((TooManyAttempts) e).retryAfterSeconds()).isEqualTo(4L);
    }

    @Test
    void theBackOffIsCappedSoAPatientClientIsAlwaysHeardAgain() {
        fail("dave", "10.0.0.1", 5);
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofMinutes(1));
            fail("dave", "10.0.0.1", 1);
        }
        clock.advance(CredentialThrottle.ACCOUNT_FROM_ADDRESS.maxDelay());

        assertThatCode(() -> throttle.beforeAttempt("dave", "10.0.0.1")).doesNotThrowAnyException();
    }

    @Test
    void guessingFromOneAddressDoesNotHoldBackTheOwnerElsewhere() {
        fail("dave", "10.0.0.66", 5);

        assertThatCode(() -> throttle.beforeAttempt("dave", "10.0.0.1")).doesNotThrowAnyException();
    }

    @Test
    void oneAddressTryingManyAccountsIsSlowedDown() {
        for (int i = 0; i < CredentialThrottle.ADDRESS.freeFailures(); i++) {
            fail("user" + i, "10.0.0.66", 1);
        }

        assertThatThrownBy(() -> throttle.beforeAttempt("someone-else", "10.0.0.66")).isInstanceOf(TooManyAttempts.class);
        assertThatThrownBy(() -> throttle.beforeAttempt(null, "10.0.0.66")).isInstanceOf(TooManyAttempts.class);
    }

    @Test
    void oneClientCyclingThroughTheAddressesOfItsIpv6NetworkIsOneAddress() {
        for (int i = 0; i < CredentialThrottle.ADDRESS.freeFailures(); i++) {
            fail("user" + i, "2001:db8:1:2::" + Integer.toHexString(i + 1), 1);
        }

        assertThatThrownBy(() -> throttle.beforeAttempt("someone-else", "2001:db8:1:2:ffff:1:2:3"))
                .isInstanceOf(TooManyAttempts.class);
        assertThatCode(() -> throttle.beforeAttempt("someone-else", "2001:db8:1:3::1")).doesNotThrowAnyException();
    }

    @Test
    void addressesCountByTheirNetworkWhateverTheirSpelling() {
        assertThat(CredentialThrottle.network("10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(CredentialThrottle.network("2001:DB8:1:2:a:b:c:d")).isEqualTo(CredentialThrottle.network("[2001:db8:1:2::1%eth0]"));
        assertThat(CredentialThrottle.network("::ffff:10.0.0.1")).isEqualTo("10.0.0.1");
        assertThat(CredentialThrottle.network("not:an:address:at:all")).isEqualTo("not:an:address:at:all");
        assertThat(CredentialThrottle.network("abc:def")).isEqualTo("abc:def");
    }

    @Test
    void oneAccountGuessedFromManyAddressesIsSlowedDownExceptWhereItsOwnerSignsIn() {
        throttle.succeeded("dave", "10.0.0.1");
        for (int i = 0; i < CredentialThrottle.ACCOUNT.freeFailures(); i++) {
            fail("dave", "192.0.2." + i, 1);
        }

        assertThatThrownBy(() -> throttle.beforeAttempt("dave", "198.51.100.1")).isInstanceOf(TooManyAttempts.class);
        assertThatCode(() -> throttle.beforeAttempt("dave", "10.0.0.1")).doesNotThrowAnyException();
    }

    @Test
    void guessesAtOtherAccountsFromASharedAddressDoNotHoldBackAnOwnerWhoSignedInFromThere() {
        throttle.succeeded("dave", "10.0.0.1");
        for (int i = 0; i < CredentialThrottle.ADDRESS.freeFailures(); i++) {
            fail("user" + i, "10.0.0.1", 1);
        }

        assertThatThrownBy(() -> throttle.beforeAttempt("someone-new", "10.0.0.1")).isInstanceOf(TooManyAttempts.class);
        assertThatCode(() -> throttle.beforeAttempt("dave", "10.0.0.1")).doesNotThrowAnyException();
    }

    @Test
    void aSuccessClearsTheClientsOwnCountAndAQuietSpellForgetsTheRest() {
        fail("dave", "10.0.0.1", 4);
        throttle.succeeded("dave", "10.0.0.1");
        fail("dave", "10.0.0.1", 4);
        assertThatCode(() -> throttle.beforeAttempt("dave", "10.0.0.1")).doesNotThrowAnyException();

        fail("erin", "10.0.0.2", 4);
        clock.advance(CredentialThrottle.FORGET_AFTER.plusSeconds(1));
        fail("erin", "10.0.0.2", 4);
        assertThat(catchWait("erin", "10.0.0.2")).isNull();
    }

    private TooManyAttempts catchWait(String account, String address) {
        try {
            throttle.beforeAttempt(account, address);
            return null;
        } catch (TooManyAttempts e) {
            return e;
        }
    }
}
