package dev.facet.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.nimbusds.jose.jwk.OctetKeyPair;
import dev.facet.core.error.InvalidInput;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class InstancePublicKeyTest {
    private static final String X = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

    @Test
    void keepsAnEd25519PublicKeyInCanonicalForm() {
        InstancePublicKey key = new InstancePublicKey(
                "{\"x\":\"" + X + "\", \"kid\":\"mirror-1\", \"kty\":\"OKP\", \"crv\":\"Ed25519\"}");

        assertThat(key.jwk()).isEqualTo("{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + X + "\"}");
        assertThat(key).isEqualTo(new InstancePublicKey("{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + X + "\"}"));
    }

    @Test
    void fingerprintIsTheRfc7638ThumbprintInHex() throws Exception {
        OctetKeyPair nimbusKey = OctetKeyPair.parse(InstanceIdentity.generate(new SecureRandom()).publicKeyJwk());

        assertThat(new InstancePublicKey(nimbusKey.toJSONString()).fingerprint())
                .isEqualTo(HexFormat.of().formatHex(nimbusKey.computeThumbprint().decode()));
    }

    @Test
    void refusesAPrivateKey() {
        String privateJwk = InstanceIdentity.generate(new SecureRandom()).keyPair().toJSONString();

        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new InstancePublicKey(privateJwk))
                .withMessageContaining("send only the public half");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"not json", "{}", "{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}",
            "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"" + X + "\"}",
            "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"AAAA\"}"})
    void refusesWhatIsNotAnEd25519PublicKey(String jwk) {
        assertThatExceptionOfType(InvalidInput.class).isThrownBy(() -> new InstancePublicKey(jwk))
                .satisfies(e -> assertThat(e.context()).isEqualTo("publicKey"));
    }
}
