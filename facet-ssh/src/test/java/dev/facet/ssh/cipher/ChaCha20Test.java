package dev.facet.ssh.cipher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ChaCha20Test {
    /**
     * The JDK's ChaCha20 is RFC 8439's: a 32-bit counter and a 96-bit nonce. While the counter
     * stays below 2^32 it is the original 64/64 form with the nonce 4 zero bytes followed by the
     * 8 nonce bytes, which is how OpenSSH's sequence number gets there.
     */
    private static byte[] jdk(byte[] key, long sequence, int counter, byte[] data) throws Exception {
        byte[] nonce = ByteBuffer.allocate(12).putInt(0).putLong(sequence).array();
        Cipher cipher = Cipher.getInstance("ChaCha20");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ChaCha20"), new ChaCha20ParameterSpec(nonce, counter));
        return cipher.doFinal(data);
    }

    @Test
    void givesTheSameKeyStreamAsTheJdksChaCha20() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            long sequence = round < 3 ? round : random.nextInt() & 0xffffffffL;
            int counter = random.nextInt(3);
            byte[] data = new byte[random.nextInt(1000)];
            random.nextBytes(data);
            byte[] expected = jdk(key, sequence, counter, data);

            byte[] actual = data.clone();
            new ChaCha20(key, 0).apply(actual, 0, actual.length, sequence, counter);
            assertThat(actual).as("round %d, %d bytes", round, data.length).isEqualTo(expected);
        }
    }

    @Test
    void encryptsOnlyTheBytesItIsGiven() {
        byte[] key = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        byte[] data = new byte[100];
        new ChaCha20(key, 0).apply(data, 10, 70, 5, 1);
        assertThat(java.util.Arrays.copyOfRange(data, 0, 10)).containsOnly(0);
        assertThat(java.util.Arrays.copyOfRange(data, 80, 100)).containsOnly(0);
        assertThat(java.util.Arrays.copyOfRange(data, 10, 80)).isNotEqualTo(new byte[70]);
    }
}
