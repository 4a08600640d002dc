package dev.facet.ssh.cipher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.ChaCha20Cipher;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.cipher.Cipher.Mode;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.Test;

class OpenSshChaCha20Poly1305Test {
    private final Random random = new Random(1305);
    private final byte[] key = bytes(64);

    private byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] sequence(long number) {
        return ByteBuffer.allocate(8).putLong(number).array();
    }

    private static Cipher facet(Mode mode, byte[] key, long firstSequence) {
        OpenSshChaCha20Poly1305 cipher = new OpenSshChaCha20Poly1305();
        cipher.init(mode, key, sequence(firstSequence));
        return cipher;
    }

    private static Cipher sshd(Mode mode, byte[] key, long firstSequence) throws Exception {
        Cipher cipher = new ChaCha20Cipher();
        cipher.init(mode, key, sequence(firstSequence));
        return cipher;
    }

    /** A packet as sshd lays it out: 4 length bytes, the rest, room for the tag. */
    private byte[] packet(int payloadBytes) {
        byte[] packet = bytes(4 + payloadBytes + 16);
        ByteBuffer.wrap(packet).putInt(payloadBytes);
        return packet;
    }

    private static void encrypt(Cipher cipher, byte[] packet) throws Exception {
        cipher.updateWithAAD(packet, 0, 4, packet.length - 20);
    }

    private static void decrypt(Cipher cipher, byte[] packet) throws Exception {
        cipher.updateAAD(packet, 0, 4);
        cipher.update(packet, 4, packet.length - 20);
    }

    /** sshd's own implementation talks to OpenSSH; a session of packets each way must read the same. */
    @Test
    void speaksTheSameProtocolAsSshdsImplementationBothWays() throws Exception {
        long first = 3;
        Cipher facetOut = facet(Mode.Encrypt, key, first);
        Cipher sshdIn = sshd(Mode.Decrypt, key, first);
        Cipher sshdOut = sshd(Mode.Encrypt, key, first);
        Cipher facetIn = facet(Mode.Decrypt, key, first);
        for (int i = 0; i < 300; i++) {
            int size = 8 * (i % 10 == 0 ? 4096 : 1 + random.nextInt(300));
            byte[] plain = packet(size);

            byte[] ours = plain.clone();
            encrypt(facetOut, ours);
            byte[] theirs = plain.clone();
            encrypt(sshdOut, theirs);
            assertThat(ours).as("packet %d", i).isEqualTo(theirs);

            decrypt(sshdIn, ours);
            decrypt(facetIn, theirs);
            assertThat(java.util.Arrays.copyOf(ours, ours.length - 16))
                    .isEqualTo(java.util.Arrays.copyOf(plain, plain.length - 16));
            assertThat(java.util.Arrays.copyOf(theirs, theirs.length - 16))
                    .isEqualTo(java.util.Arrays.copyOf(plain, plain.length - 16));
        }
    }

    @Test
    void aPacketWithAnyByteChangedIsRefused() throws Exception {
        byte[] sent = packet(64);
        encrypt(facet(Mode.Encrypt, key, 0), sent);
        for (int at : new int[] {0, 3, 4, 40, sent.length - 17, sent.length - 16, sent.length - 1}) {
            byte[] tampered = sent.clone();
            tampered[at] ^= 0x01;
            assertThatThrownBy(() -> decrypt(facet(Mode.Decrypt, key, 0), tampered)).as("byte %d changed", at)
                    .isInstanceOf(AEADBadTagException.class);
        }
        byte[] untouched = sent.clone();
        decrypt(facet(Mode.Decrypt, key, 0), untouched);
    }

    @Test
    void aPacketReplayedOrReorderedOrUnderAnotherKeyIsRefused() throws Exception {
        Cipher out = facet(Mode.Encrypt, key, 0);
        byte[] first = packet(32);
        byte[] second = packet(32);
        encrypt(out, first);
        encrypt(out, second);

        Cipher in = facet(Mode.Decrypt, key, 0);
        decrypt(in, first.clone());
        assertThatThrownBy(() -> decrypt(in, first.clone())).isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> decrypt(facet(Mode.Decrypt, key, 0), second.clone()))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> decrypt(facet(Mode.Decrypt, bytes(64), 0), first.clone()))
                .isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void theSequenceNumberWrapsAt32BitsAsSshsDoes() throws Exception {
        Cipher facetOut = facet(Mode.Encrypt, key, 0xffffffffL);
        Cipher sshdIn = sshd(Mode.Decrypt, key, 0xffffffffL);
        for (int i = 0; i < 3; i++) {
            byte[] sent = packet(48);
            encrypt(facetOut, sent);
            decrypt(sshdIn, sent);
        }
    }

    @Test
    void replacesSshdsChaChaAndKeepsEveryOtherCipherInOrder() {
        List<NamedFactory<Cipher>> defaults = SshServer.setUpDefaultServer().getCipherFactories();
        List<NamedFactory<Cipher>> served = OpenSshChaCha20Poly1305.inPlaceOfSshds(defaults);

        assertThat(served).extracting(NamedFactory::getName)
                .containsExactlyElementsOf(defaults.stream().map(NamedFactory::getName).toList())
                .contains(BuiltinCiphers.Constants.CC20P1305_OPENSSH);
        assertThat(served).contains(OpenSshChaCha20Poly1305.FACTORY).doesNotContain(BuiltinCiphers.cc20p1305_openssh);
        assertThat(OpenSshChaCha20Poly1305.FACTORY.create()).isInstanceOf(OpenSshChaCha20Poly1305.class);
    }
}
