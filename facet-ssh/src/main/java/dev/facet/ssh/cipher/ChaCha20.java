package dev.facet.ssh.cipher;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The ChaCha20 stream cipher in D. J. Bernstein's original form, as OpenSSH's
 * chacha20-poly1305 uses it: a 256-bit key, a 64-bit nonce and a 64-bit block counter (words 12
 * to 15 of the state). It XORs the key stream into the data in place, four bytes at a time,
 * without an intermediate key-stream buffer for whole blocks: this is the hot loop of every byte
 * an SSH clone sends.
 */
final class ChaCha20 {
    static final int BLOCK_BYTES = 64;
    private static final VarHandle LE_INT = MethodHandles.byteArrayViewVarHandle(int[].class,
            ByteOrder.LITTLE_ENDIAN);
    // "expand 32-byte k" as four little-endian words.
    private static final int C0 = 0x61707865;
    private static final int C1 = 0x3320646e;
    private static final int C2 = 0x79622d32;
    private static final int C3 = 0x6b206574;

    private final int k0;
    private final int k1;
    private final int k2;
    private final int k3;
    private final int k4;
    private final int k5;
    private final int k6;
    private final int k7;
    private final byte[] partial = new byte[BLOCK_BYTES];

    /** A cipher for the 32 bytes of {@code key} from {@code offset}. */
    ChaCha20(byte[] key, int offset) {
        k0 = (int) LE_INT.get(key, offset);
        k1 = (int) LE_INT.get(key, offset + 4);
        k2 = (int) LE_INT.get(key, offset + 8);
        k3 = (int) LE_INT.get(key, offset + 12);
        k4 = (int) LE_INT.get(key, offset + 16);
        k5 = (int) LE_INT.get(key, offset + 20);
        k6 = (int) LE_INT.get(key, offset + 24);
        k7 = (int) LE_INT.get(key, offset + 28);
    }

    /**
     * XORs the key stream for {@code nonce}, starting at block {@code counter}, into
     * {@code length} bytes of {@code data} from {@code offset}. The nonce is the 8 bytes of
     * {@code nonce} in big-endian order (as OpenSSH writes the sequence number), which the state
     * then reads as two little-endian words.
     */
    void apply(byte[] data, int offset, int length, long nonce, long counter) {
        int n0 = Integer.reverseBytes((int) (nonce >>> 32));
        int n1 = Integer.reverseBytes((int) nonce);
        while (length >= BLOCK_BYTES) {
            block(data, offset, (int) counter, (int) (counter >>> 32), n0, n1);
            offset += BLOCK_BYTES;
            length -= BLOCK_BYTES;
            counter++;
        }
        if (length > 0) {
            java.util.Arrays.fill(partial, (byte) 0);
            block(partial, 0, (int) counter, (int) (counter >>> 32), n0, n1);
            for (int i = 0; i < length; i++) {
                data[offset + i] ^= partial[i];
            }
        }
    }

    /** One block of key stream XORed into the 64 bytes of {@code out} from {@code at}. */
    private void block(byte[] out, int at, int counterLow, int counterHigh, int n0, int n1) {
        int x0 = C0;
        int x1 = C1;
        int x2 = C2;
        int x3 = C3;
        int x4 = k0;
        int x5 = k1;
        int x6 = k2;
        int x7 = k3;
        int x8 = k4;
        int x9 = k5;
        int x10 = k6;
        int x11 = k7;
        int x12 = counterLow;
        int x13 = counterHigh;
        int x14 = n0;
        int x15 = n1;
        for (int round = 0; round < 10; round++) {
            // Column round: quarter rounds on (0,4,8,12), (1,5,9,13), (2,6,10,14), (3,7,11,15).
            x0 += x4;
            x12 = Integer.rotateLeft(x12 ^ x0, 16);
            x1 += x5;
            x13 = Integer.rotateLeft(x13 ^ x1, 16);
            x2 += x6;
            x14 = Integer.rotateLeft(x14 ^ x2, 16);
            x3 += x7;
            x15 = Integer.rotateLeft(x15 ^ x3, 16);
            x8 += x12;
            x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x9 += x13;
            x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x10 += x14;
            x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x11 += x15;
            x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x0 += x4;
            x12 = Integer.rotateLeft(x12 ^ x0, 8);
            x1 += x5;
            x13 = Integer.rotateLeft(x13 ^ x1, 8);
            x2 += x6;
            x14 = Integer.rotateLeft(x14 ^ x2, 8);
            x3 += x7;
            x15 = Integer.rotateLeft(x15 ^ x3, 8);
            x8 += x12;
            x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x9 += x13;
            x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x10 += x14;
            x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x11 += x15;
            x7 = Integer.rotateLeft(x7 ^ x11, 7);
            // Diagonal round: (0,5,10,15), (1,6,11,12), (2,7,8,13), (3,4,9,14).
            x0 += x5;
            x15 = Integer.rotateLeft(x15 ^ x0, 16);
            x1 += x6;
            x12 = Integer.rotateLeft(x12 ^ x1, 16);
            x2 += x7;
            x13 = Integer.rotateLeft(x13 ^ x2, 16);
            x3 += x4;
            x14 = Integer.rotateLeft(x14 ^ x3, 16);
            x10 += x15;
            x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x11 += x12;
            x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x8 += x13;
            x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x9 += x14;
            x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x0 += x5;
            x15 = Integer.rotateLeft(x15 ^ x0, 8);
            x1 += x6;
            x12 = Integer.rotateLeft(x12 ^ x1, 8);
            x2 += x7;
            x13 = Integer.rotateLeft(x13 ^ x2, 8);
            x3 += x4;
            x14 = Integer.rotateLeft(x14 ^ x3, 8);
            x10 += x15;
            x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x11 += x12;
            x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x8 += x13;
            x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x9 += x14;
            x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }
        xor(out, at, x0 + C0);
        xor(out, at + 4, x1 + C1);
        xor(out, at + 8, x2 + C2);
        xor(out, at + 12, x3 + C3);
        xor(out, at + 16, x4 + k0);
        xor(out, at + 20, x5 + k1);
        xor(out, at + 24, x6 + k2);
        xor(out, at + 28, x7 + k3);
        xor(out, at + 32, x8 + k4);
        xor(out, at + 36, x9 + k5);
        xor(out, at + 40, x10 + k6);
        xor(out, at + 44, x11 + k7);
        xor(out, at + 48, x12 + counterLow);
        xor(out, at + 52, x13 + counterHigh);
        xor(out, at + 56, x14 + n0);
        xor(out, at + 60, x15 + n1);
    }

    private static void xor(byte[] out, int at, int keyStream) {
        LE_INT.set(out, at, (int) LE_INT.get(out, at) ^ keyStream);
    }
}
