package dev.facet.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.facet.core.error.InvalidInput;
import java.security.SecureRandom;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class KeyFingerprintTest {
    private final InstancePublicKey key = new InstancePublicKey(InstanceIdentity.generate(new SecureRandom()).publicKeyJwk());

    @Test
    void identifiesTheKeyWhoseFullFingerprintWasTypedWhateverItsCaseAndGrouping() {
        String hex = key.fingerprint();
        String grouped = String.join(":", hex.split("(?<=\\G.{4})")).toUpperCase(Locale.ROOT);

        assertThat(new KeyFingerprint(hex).identifies(key)).isTrue();
        assertThat(new KeyFingerprint(" " + grouped + " ").identifies(key)).isTrue();
    }

    @Test
    void doesNotIdentifyAnotherKey() {
        InstancePublicKey other = new InstancePublicKey(InstanceIdentity.generate(new SecureRandom()).publicKeyJwk());

        assertThat(KeyFingerprint.of(key).identifies(other)).isFalse();
    }

    @Test
    void refusesTheShortFingerprintBecauseItIsForTheEyeOnly() {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new KeyFingerprint(key.shortFingerprint()))
                .withMessageContaining("full one (64 hex digits)");
    }

    @Test
    void refusesWhatIsNotHexOrHasTheWrongLength() {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new KeyFingerprint("zz" + key.fingerprint()))
                .withMessageContaining("hex digits");
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new KeyFingerprint(key.fingerprint() + "00"))
                .withMessageContaining("this one has 66");
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new KeyFingerprint(" "))
                .withMessageContaining("required");
    }
}
