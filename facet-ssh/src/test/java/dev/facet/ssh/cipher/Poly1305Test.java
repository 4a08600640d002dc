package dev.facet.ssh.cipher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.Random;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

class Poly1305Test {
    private static final HexFormat HEX = HexFormat.of();

    private static String tag(String keyHex, byte[] message) {
        Poly1305 poly = new Poly1305();
        poly.init(HEX.parseHex(keyHex), 0);
        poly.update(message, 0, message.length);
        byte[] out = new byte[Poly1305.TAG_BYTES];
        poly.finish(out, 0);
        return HEX.formatHex(out);
    }

    @Test
    void givesRfc8439sExampleTag() {
        byte[] message = "Cryptographic Forum Research Group".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(tag("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b", message))
                .isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
    }

    /** RFC 8439 appendix A.3, vectors 5 to 11: the corners of the reduction modulo 2^130 - 5. */
    @Test
    void handlesTheReductionCornersOfRfc8439AppendixA3() {
        String r2 = "02000000000000000000000000000000";
        String r1 = "01000000000000000000000000000000";
        String zero = "00000000000000000000000000000000";
        String ones = "ffffffffffffffffffffffffffffffff";
        assertThat(tag(r2 + zero, HEX.parseHex(ones))).isEqualTo("03000000000000000000000000000000");
        assertThat(tag(r2 + ones, HEX.parseHex("02000000000000000000000000000000")))
                .isEqualTo("03000000000000000000000000000000");
        assertThat(tag(r1 + zero, HEX.parseHex(ones + "f0ffffffffffffffffffffffffffffff"
                + "11000000000000000000000000000000"))).isEqualTo("05000000000000000000000000000000");
        assertThat(tag(r1 + zero, HEX.parseHex(ones + "fbfefefefefefefefefefefefefefefe"
                + "01010101010101010101010101010101"))).isEqualTo(zero);
        assertThat(tag(r2 + zero, HEX.parseHex("fdffffffffffffffffffffffffffffff")))
                .isEqualTo("faffffffffffffffffffffffffffffff");
        String key = "0100000000000000040000000000000000000000000000000000000000000000";
        String text = "e33594d7505e43b900000000000000003394d7505e4379cd0100000000000000"
                + "00000000000000000000000000000000";
        assertThat(tag(key, HEX.parseHex(text + "01000000000000000000000000000000")))
                .isEqualTo("14000000000000005500000000000000");
        assertThat(tag(key, HEX.parseHex(text))).isEqualTo("13000000000000000000000000000000");
    }

    /** Bouncy Castle's Poly1305 as an independent reference, over random keys, lengths and pieces. */
    @Test
    void agreesWithAnIndependentImplementationWhateverTheMessageAndHowItArrives() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            byte[] key = new byte[Poly1305.KEY_BYTES];
            byte[] message = new byte[random.nextInt(600)];
            random.nextBytes(key);
            random.nextBytes(message);
            if (round % 4 == 0) {
                java.util.Arrays.fill(message, (byte) 0xff);
                java.util.Arrays.fill(key, 16, 32, (byte) 0xff);
            }
            org.bouncycastle.crypto.macs.Poly1305 reference = new org.bouncycastle.crypto.macs.Poly1305();
            reference.init(new KeyParameter(key));
            reference.update(message, 0, message.length);
            byte[] expected = new byte[16];
            reference.doFinal(expected, 0);

            Poly1305 poly = new Poly1305();
            poly.init(key, 0);
            for (int at = 0; at < message.length; ) {
                int piece = Math.min(message.length - at, 1 + random.nextInt(70));
                poly.update(message, at, piece);
                at += piece;
            }
            byte[] actual = new byte[16];
            poly.finish(actual, 0);
            assertThat(actual).as("round %d, %d bytes", round, message.length).isEqualTo(expected);
        }
    }
}
