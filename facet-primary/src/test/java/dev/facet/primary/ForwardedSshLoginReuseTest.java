package dev.facet.primary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.facet.core.store.UsedSshLogins;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * One SSH login carries the pushes of one shared connection (OpenSSH's ControlMaster) through the mirror that
 * first passed it on, for a bounded time, and never through another mirror.
 */
class ForwardedSshLoginReuseTest {
    private static final Instant FIRST_PUSH = Instant.parse("2026-12-01T03:00:00Z");
    private static final UsedSshLogins.Taken TAKEN = new UsedSshLogins.Taken("mirror-a", "SHA256:writer", FIRST_PUSH);

    @Test
    void theMirrorThatTookALoginPushesOnItAgainWithinTheBound() {
        Instant later = FIRST_PUSH.plus(ForwardedSshPushes.LOGIN_CARRIES_PUSHES_FOR).minusSeconds(1);

        assertThat(ForwardedSshPushes.refusalToTakeAgain(TAKEN, "mirror-a", "SHA256:writer", later)).isEmpty();
    }

    @Test
    void anotherMirrorOrAnotherKeyCannotUseALoginTakenBefore() {
        assertThat(ForwardedSshPushes.refusalToTakeAgain(TAKEN, "mirror-b", "SHA256:writer", FIRST_PUSH))
                .hasValueSatisfying(reason -> assertThat(reason).contains("another mirror"));
        assertThat(ForwardedSshPushes.refusalToTakeAgain(TAKEN, "mirror-a", "SHA256:stranger", FIRST_PUSH))
                .hasValueSatisfying(reason -> assertThat(reason).contains("another key"));
    }

    @Test
    void aMirrorKeepsNoLoginLongerThanASharedConnectionUsuallyLasts() {
        // OpenSSH's usual ControlPersist is 10 minutes: past that a proof is no more a connection's, only a mirror's.
        assertThat(ForwardedSshPushes.refusalToTakeAgain(TAKEN, "mirror-a", "SHA256:writer",
                FIRST_PUSH.plus(Duration.ofMinutes(11)))).isPresent();
    }

    @Test
    void pastTheBoundTheClientIsToldToOpenANewConnection() {
        Instant tooLate = FIRST_PUSH.plus(ForwardedSshPushes.LOGIN_CARRIES_PUSHES_FOR).plus(Duration.ofSeconds(1));

        assertThat(ForwardedSshPushes.refusalToTakeAgain(TAKEN, "mirror-a", "SHA256:writer", tooLate))
                .hasValueSatisfying(reason -> assertThat(reason).contains("new SSH connection", "ssh -O exit"));
    }
}
