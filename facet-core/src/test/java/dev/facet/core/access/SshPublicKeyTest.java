package dev.facet.core.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.facet.core.error.InvalidInput;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Public keys made by OpenSSH's ssh-keygen, and what {@code ssh-keygen -l} says of them. */
class SshPublicKeyTest {
    static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHFUAXEa01/06LcPxmbsp6E2V+QpzaU7Z2r4+vuseYaT ed25519@t"
            + "est";
    static final String ECDSA_256 = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBHLcE4ewtj23L9gh30"
            + "cGfUGZvhIL/RokzGdSyqjMHs/eXqjJIXKVoN2xOAjOkFYnrPHzUSt2C7KrZKlkAhjtSBE= ecdsab256@test";
    static final String ECDSA_384 = "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBCpzTIneKlc+JoMbVV"
            + "kkdsEThfPT63v0sRS7hmBU8NlgTNu0Vr3t8+eYs3usZUeyqdi46QAaJa9UsKPz0j602jh0/vdnvJ3j7dUN/tnyUDB8"
            + "KVvxd0T2KkIG4YE072lFSw== ecdsab384@test";
    static final String ECDSA_521 = "ecdsa-sha2-nistp521 AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAHlu6opxqrIB8bOx1"
            + "bE+9GasqjmcbqZGtqCtyFl6gUqVVeZJ/s8HAgTKP4HJK3tjjXIO9TPsY3m01wW/+tChK9IzQEc7jBjVInFY11p6pzP"
            + "jo3vj7AlaCWKz9O0JDU5VOZgPqUiK5DiEo9RUyUkp/djBf3EYirJry2yWC5QKKf8ZmRY8w== ecdsab521@test";
    static final String RSA_2048 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQClBtZ4uH1uJSNd6oZE5xiqq+gzazIAJFjrfN3Ptu5arDSUyP8caX"
            + "1w8uGysZRx/l7SFSg+ZXy+hsNnJXPiBeASvLT0XLbIRkFskaMicwR9jPsG6EUrPKuUaoOPcOAwJjkx+qzaOh1wARaz"
            + "xakhDrOAJpBvTg2i2iaeW2kXPRa3gjzuItPBD2mGxlA7eA11OD6tZn8e4JPOWRhxW/V7LqXmReNog9MYFXu3vMfd6f"
            + "RgzHo6OdE0/DvszR/CcSzxByHkweAxKspbTBTMUfrQ+An+gGTo0fQ4PY02Pub0PbaMkndZLrIPo7Q46YFpSF529kaM"
            + "xhJdhRIudp4pZ1St/H2B rsab2048@test";
    static final String RSA_1024 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQD12Ct657p065/SutnrOa6ZWzDmlEDj98MAjhOHZs9YKSOHTKhH08"
            + "KjUmc2A+whMDb5gCw5PpCkrFlRJi9FRqcgGaFTrSc7tTRI/GsI3puJ8vJm0j3LUbd8fMgzWXw3xshcgl+oWfgYxPpd"
            + "BLBPDlAiOJMSEXdU/p+YMAwAxOirBw== rsab1024@test";
    static final String DSA = "ssh-dss AAAAB3NzaC1kc3MAAACBAKytyxO5zaxLslXWyvd92/E4Gmhiwk0+dub6sRLKg8GPH/l5GlJfXvY1ipq5pg"
            + "Om9qHMr55oYMe2FE4MOxdk6KrsNRTJ+3zc3A1IxN6UsQNyjZmFrXVPJ7P2edU1xS4DeqeF3PlJUuYBy4M4KoO+rEm7"
            + "UqPJaf9nOH/FuxAStQVbAAAAFQDWGGshXaX1SM2jUx5ru8TI+m9MLwAAAIA0zFLQX2t6WLCzm13LWocOBH+s77OylB"
            + "6AKZ1ZHdw0jPioXKRxpYmCRLiU+44VAD0Yh0lNgeZoFBBYrkHMRGt97bTq66stv3EUopCAbPbYfa8+naKOGCFpHQbi"
            + "an2ZwZAO9Pt69zvEdjhI/US05BYQUUh01z4ELEaU9NtVqu0W6AAAAIEAp0i1v42Vf0LFZGJstr05mRcQevet+L/ZVw"
            + "nE/zgu8zNycip/tNiIClBmr+frynJv7G7Eq8BuUUV24lMWmSJSt3m8xrQoTeL4NgPADuU8EXx/dLMs0z2hOqYZK89e"
            + "kSXRfEz4bNc5QtBcuwEbSkL1KeDX29UDic5Y1ymbIbNbFyw= dsa@test";

    @Test
    void eachKindOfKeyIsReadWithItsTypeSizeAndTheFingerprintSshKeygenPrints() {
        assertThat(SshPublicKey.parse(ED25519)).isEqualTo(new SshPublicKey(ED25519, "ED25519", 256,
                "SHA256:ufP4LzeMykPqB+huL1NoUGB8Q1FDhqtpSLEM492Z26g"));
        assertThat(SshPublicKey.parse(ECDSA_256)).isEqualTo(new SshPublicKey(ECDSA_256, "ECDSA", 256,
                "SHA256:+WYkZ+qAGN4gjFqjWeNJw7EmKvfQBS5zVRajj0RcGRg"));
        assertThat(SshPublicKey.parse(ECDSA_384)).isEqualTo(new SshPublicKey(ECDSA_384, "ECDSA", 384,
                "SHA256:KbcN2NFth9kA8Pzk4MWOo9RzBsYalz3292bFQYttu60"));
        assertThat(SshPublicKey.parse(ECDSA_521)).isEqualTo(new SshPublicKey(ECDSA_521, "ECDSA", 521,
                "SHA256:oadNWdT9NNiwRTkgGcIdNcLqCH+Qh88Dqv2J/mXhCI4"));
        assertThat(SshPublicKey.parse(RSA_2048)).isEqualTo(new SshPublicKey(RSA_2048, "RSA", 2048,
                "SHA256:ZCWKdot5IGVK4gaAdyS7S1BX6gff4iOzhcgH2NZ5khc"));
    }

    @Test
    void theCommentIsKeptWhitespaceIsTidiedAndAKeyWithoutACommentIsAKey() {
        String[] words = ED25519.split(" ");
        assertThat(SshPublicKey.parse("  " + words[0] + "\t" + words[1] + "   my laptop  key \n").text())
                .isEqualTo(words[0] + " " + words[1] + " my laptop  key");
        assertThat(SshPublicKey.parse(words[0] + " " + words[1]).text()).isEqualTo(words[0] + " " + words[1]);
        assertThat(SshPublicKey.parse(words[0] + " " + words[1]).fingerprint())
                .isEqualTo(SshPublicKey.parse(ED25519).fingerprint());
    }

    @Test
    void weakKeysAreRefusedSayingWhy() {
        assertThatThrownBy(() -> SshPublicKey.parse(RSA_1024)).isInstanceOf(InvalidInput.class)
                .hasMessageContaining("1024 bits").hasMessageContaining("2048");
        assertThatThrownBy(() -> SshPublicKey.parse(DSA)).isInstanceOf(InvalidInput.class)
                .hasMessageContaining("DSA keys are too weak");
    }

    @Test
    void anRsaKeyOneBitShortOfTheMinimumIsRefusedAndOneAtItIsTaken() throws IOException {
        BigInteger exponent = BigInteger.valueOf(65537);
        String short2047 = "ssh-rsa " + blob("ssh-rsa", exponent.toByteArray(), modulus(2047));
        String exact2048 = "ssh-rsa " + blob("ssh-rsa", exponent.toByteArray(), modulus(2048));

        assertThatThrownBy(() -> SshPublicKey.parse(short2047)).hasMessageContaining("2047 bits");
        assertThat(SshPublicKey.parse(exact2048).bitLength()).isEqualTo(2048);
    }

    @Test
    void keyTypesFacetDoesNotKnowAreRefusedByName() throws IOException {
        String security = "sk-ssh-ed25519@openssh.com " + blob("sk-ssh-ed25519@openssh.com", new byte[32],
                "ssh:".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> SshPublicKey.parse(security))
                .hasMessageContaining("'sk-ssh-ed25519@openssh.com' are not supported");
    }

    @Test
    void privateKeysPuttyFilesAndAuthorizedKeysOptionsAreRefusedWithWhatToPasteInstead() {
        assertThatThrownBy(() -> SshPublicKey.parse("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk=\n"
                + "-----END OPENSSH PRIVATE KEY-----")).hasMessageContaining("private key");
        assertThatThrownBy(() -> SshPublicKey.parse("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none"))
                .hasMessageContaining("private key or another format");
        assertThatThrownBy(() -> SshPublicKey.parse("---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"rsa-key\"\n"
                + "AAAAB3NzaC1yc2E=\n---- END SSH2 PUBLIC KEY ----")).hasMessageContaining("one-line form");
        assertThatThrownBy(() -> SshPublicKey.parse("command=\"git-shell\" " + ED25519))
                .hasMessageContaining("without authorized_keys options");
        assertThatThrownBy(() -> SshPublicKey.parse("no-pty,no-port-forwarding " + ED25519))
                .hasMessageContaining("without authorized_keys options");
        assertThatThrownBy(() -> SshPublicKey.parse("from=\"10.0.0.0/8\" " + ED25519))
                .hasMessageContaining("without authorized_keys options");
    }

    @Test
    void twoKeysAtOnceAreRefusedRatherThanStoredAsOneKeysComment() {
        assertThatThrownBy(() -> SshPublicKey.parse(ED25519 + "\n" + ECDSA_256))
                .isInstanceOf(InvalidInput.class).hasMessageContaining("one key at a time");
    }

    @Test
    void garbageIsNotAKey() throws IOException {
        String[] words = ED25519.split(" ");
        for (String garbage : new String[] {"ssh-ed25519", "hello world", "ssh-ed25519 !!!not-base64!!!",
                "ssh-ed25519 AAAA", "ssh-ed25519 " + words[1].substring(0, 40),
                "ssh-ed25519 " + blob("ssh-ed25519", new byte[31]),
                "ssh-ed25519 " + blob("ssh-ed25519", new byte[32], new byte[1]),
                "ssh-ed25519 " + Base64.getEncoder().encodeToString(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}),
                "ssh-ed25519 " + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}),
                "ecdsa-sha2-nistp256 " + blob("ecdsa-sha2-nistp256", "nistp384".getBytes(StandardCharsets.US_ASCII),
                        new byte[65])}) {
            assertThatThrownBy(() -> SshPublicKey.parse(garbage)).as(garbage).isInstanceOf(InvalidInput.class)
                    .hasMessageContaining("not an SSH public key");
        }
    }

    @Test
    void aKeyThatNamesOneTypeAndHoldsAnotherIsRefused() {
        String[] words = ED25519.split(" ");
        assertThatThrownBy(() -> SshPublicKey.parse("ssh-rsa " + words[1]))
                .hasMessageContaining("says it is 'ssh-rsa' but holds a 'ssh-ed25519' key");
    }

    @Test
    void emptyAndHugeTextIsRefusedBeforeAnyParsing() {
        assertThatThrownBy(() -> SshPublicKey.parse(null)).hasMessageContaining("Paste the public key");
        assertThatThrownBy(() -> SshPublicKey.parse("  \n")).hasMessageContaining("Paste the public key");
        assertThatThrownBy(() -> SshPublicKey.parse("ssh-rsa " + "A".repeat(20_000)))
                .hasMessageContaining("at most");
    }

    /** A key blob in SSH's wire encoding: the type, then each field with its length. */
    private static String blob(String type, byte[]... fields) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            byte[] name = type.getBytes(StandardCharsets.US_ASCII);
            out.writeInt(name.length);
            out.write(name);
            for (byte[] field : fields) {
                out.writeInt(field.length);
                out.write(field);
            }
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    /** An odd number of exactly {@code bits} bits, in SSH's mpint form (a leading zero when the top bit is set). */
    private static byte[] modulus(int bits) {
        return BigInteger.ONE.shiftLeft(bits - 1).add(BigInteger.ONE).toByteArray();
    }
}
