package dev.facet.ssh.cipher;

import java.util.List;
import javax.crypto.AEADBadTagException;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.util.buffer.BufferUtils;

/**
 * {@code chacha20-poly1305@openssh.com} (OpenSSH's PROTOCOL.chacha20poly1305) for Apache MINA
 * sshd, on Facet's own {@link ChaCha20} and {@link Poly1305}: sshd's own implementation of it
 * costs about half of the server's CPU on an SSH clone.
 *
 * <p>The 64 bytes of key material are two keys: the first 32 bytes (K_2) encrypt the payload,
 * the last 32 (K_1) the packet's 4-byte length. The nonce of both is the packet's sequence
 * number. Block 0 of K_2's stream is the Poly1305 key; the payload is encrypted from block 1;
 * the tag is Poly1305 over the encrypted length and the encrypted payload, without padding or
 * lengths (which is where it differs from RFC 8439's AEAD).
 *
 * <p>sshd calls {@link #updateAAD} with the 4 length bytes, then {@link #update} with the rest
 * of the packet, whose tag follows it in the same array; one packet after another, in order.
 */
public final class OpenSshChaCha20Poly1305 implements Cipher {
    /** What sshd's cipher negotiation creates the cipher from. */
    public static final NamedFactory<Cipher> FACTORY = new NamedFactory<>() {
        @Override
        public String getName() {
            return BuiltinCiphers.Constants.CC20P1305_OPENSSH;
        }

        @Override
        public Cipher create() {
            return new OpenSshChaCha20Poly1305();
        }

        @Override
        public String toString() {
            return getName() + " (Facet)";
        }
    };

    private static final int KEY_BYTES = 32;
    private static final int LENGTH_BYTES = 4;

    private final Poly1305 mac = new Poly1305();
    private final byte[] polyKey = new byte[ChaCha20.BLOCK_BYTES];
    private final byte[] tag = new byte[Poly1305.TAG_BYTES];
    private Mode mode;
    private ChaCha20 payloadCipher;
    private ChaCha20 lengthCipher;
    private long sequence;
    private boolean macStarted;

    /**
     * {@code ciphers} in the same order (the client's preference decides which one a session
     * uses, so the order offered stays OpenSSH's), with sshd's chacha20-poly1305 replaced by this one.
     */
    public static List<NamedFactory<Cipher>> inPlaceOfSshds(List<NamedFactory<Cipher>> ciphers) {
        return ciphers.stream()
                .map(cipher -> FACTORY.getName().equals(cipher.getName()) ? FACTORY : cipher)
                .toList();
    }

    @Override
    public void init(Mode mode, byte[] key, byte[] iv) {
        this.mode = mode;
        this.payloadCipher = new ChaCha20(key, 0);
        this.lengthCipher = new ChaCha20(key, KEY_BYTES);
        // sshd hands a cipher whose algorithm starts with "ChaCha" the sequence number of its first
        // packet as the IV, big-endian; each packet after it is the next number.
        this.sequence = BufferUtils.getLong(iv, 0, iv.length) & 0xffffffffL;
        this.macStarted = false;
    }

    @Override
    public void updateAAD(byte[] data, int offset, int length) {
        requireInitialized();
        if (length != LENGTH_BYTES) {
            throw new IllegalArgumentException("chacha20-poly1305 authenticates only the 4-byte packet length, not "
                    + length + " bytes");
        }
        startMac();
        if (mode == Mode.Decrypt) {
            mac.update(data, offset, length);
        }
        lengthCipher.apply(data, offset, length, sequence, 0);
        if (mode == Mode.Encrypt) {
            mac.update(data, offset, length);
        }
    }

    @Override
    public void update(byte[] data, int offset, int length) throws AEADBadTagException {
        requireInitialized();
        startMac();
        if (mode == Mode.Decrypt) {
            mac.update(data, offset, length);
            mac.finish(tag, 0);
            if (!tagMatches(data, offset + length)) {
                throw new AEADBadTagException("chacha20-poly1305: the packet's authentication tag does not match");
            }
            payloadCipher.apply(data, offset, length, sequence, 1);
        } else {
            payloadCipher.apply(data, offset, length, sequence, 1);
            mac.update(data, offset, length);
            mac.finish(data, offset + length);
        }
        // SSH sequence numbers are 32 bits and wrap (long before which OpenSSH and sshd re-key).
        sequence = (sequence + 1) & 0xffffffffL;
        macStarted = false;
    }

    /** Compares in time independent of where the tags differ. */
    private boolean tagMatches(byte[] data, int at) {
        int difference = 0;
        for (int i = 0; i < Poly1305.TAG_BYTES; i++) {
            difference |= tag[i] ^ data[at + i];
        }
        return difference == 0;
    }

    /** Keys Poly1305 for the current packet with the first 32 bytes of K_2's block 0. */
    private void startMac() {
        if (!macStarted) {
            java.util.Arrays.fill(polyKey, (byte) 0);
            payloadCipher.apply(polyKey, 0, ChaCha20.BLOCK_BYTES, sequence, 0);
            mac.init(polyKey, 0);
            macStarted = true;
        }
    }

    private void requireInitialized() {
        if (mode == null) {
            throw new IllegalStateException("chacha20-poly1305 used before init");
        }
    }

    @Override
    public String getAlgorithm() {
        // Must start with "ChaCha": that is how sshd knows to pass the sequence number as the IV.
        return "ChaCha20";
    }

    @Override
    public String getTransformation() {
        return "ChaCha20";
    }

    @Override
    public int getIVSize() {
        return 8;
    }

    @Override
    public int getAuthenticationTagSize() {
        return Poly1305.TAG_BYTES;
    }

    @Override
    public int getCipherBlockSize() {
        return 8;
    }

    @Override
    public int getKdfSize() {
        return 2 * KEY_BYTES;
    }

    @Override
    public int getKeySize() {
        return 8 * 2 * KEY_BYTES;
    }

    @Override
    public String toString() {
        return "chacha20-poly1305@openssh.com (Facet)";
    }
}
