package dev.facet.ssh.cipher;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Poly1305 one-time authenticator (RFC 8439, section 2.5), computed on two 64-bit limbs and a
 * small third one, so that a 16-byte block costs four 64×64→128-bit products where 26-bit limbs
 * cost twenty-five. The clamped key halves {@code r0, r1} are below 2^60 and {@code r1} is a
 * multiple of 4, which keeps every partial sum within 128 bits and lets {@code r1 · 2^128} fold to
 * {@code 5/4 · r1} modulo 2^130 − 5. One instance is re-keyed for every message.
 */
final class Poly1305 {
    static final int KEY_BYTES = 32;
    static final int TAG_BYTES = 16;
    private static final int BLOCK_BYTES = 16;
    private static final VarHandle LE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);

    private long r0;
    private long r1;
    private long s1;
    private long pad0;
    private long pad1;
    private long h0;
    private long h1;
    private long h2;
    private final byte[] pending = new byte[BLOCK_BYTES];
    private int pendingBytes;

    /** Starts a new message under the 32 bytes of {@code key} from {@code offset} (r, then s). */
    void init(byte[] key, int offset) {
        r0 = (long) LE_LONG.get(key, offset) & 0x0ffffffc0fffffffL;
        r1 = (long) LE_LONG.get(key, offset + 8) & 0x0ffffffc0ffffffcL;
        s1 = r1 + (r1 >>> 2);
        pad0 = (long) LE_LONG.get(key, offset + 16);
        pad1 = (long) LE_LONG.get(key, offset + 24);
        h0 = 0;
        h1 = 0;
        h2 = 0;
        pendingBytes = 0;
    }

    void update(byte[] data, int offset, int length) {
        if (pendingBytes > 0) {
            int take = Math.min(length, BLOCK_BYTES - pendingBytes);
            System.arraycopy(data, offset, pending, pendingBytes, take);
            pendingBytes += take;
            offset += take;
            length -= take;
            if (pendingBytes < BLOCK_BYTES) {
                return;
            }
            blocks(pending, 0, BLOCK_BYTES, 1);
            pendingBytes = 0;
        }
        int whole = length & ~(BLOCK_BYTES - 1);
        if (whole > 0) {
            blocks(data, offset, whole, 1);
        }
        System.arraycopy(data, offset + whole, pending, 0, length - whole);
        pendingBytes = length - whole;
    }

    /** Writes the 16-byte tag to {@code out} at {@code offset}; the instance needs {@link #init} again after. */
    void finish(byte[] out, int offset) {
        if (pendingBytes > 0) {
            // A short last block: its bytes, then 1, then zeros, and no 2^128 bit.
            pending[pendingBytes] = 1;
            java.util.Arrays.fill(pending, pendingBytes + 1, BLOCK_BYTES, (byte) 0);
            blocks(pending, 0, BLOCK_BYTES, 0);
            pendingBytes = 0;
        }
        // h is below 2^131 here but may still be at least p = 2^130 - 5: subtract p once if so,
        // chosen by a mask rather than a branch.
        long g0 = h0 + 5;
        long carry = Long.compareUnsigned(g0, h0) < 0 ? 1 : 0;
        long g1 = h1 + carry;
        carry = Long.compareUnsigned(g1, h1) < 0 ? 1 : 0;
        long g2 = h2 + carry;
        long useG = -(g2 >>> 2);
        long t0 = (h0 & ~useG) | (g0 & useG);
        long t1 = (h1 & ~useG) | (g1 & useG);
        long tag0 = t0 + pad0;
        carry = Long.compareUnsigned(tag0, t0) < 0 ? 1 : 0;
        long tag1 = t1 + pad1 + carry;
        LE_LONG.set(out, offset, tag0);
        LE_LONG.set(out, offset + 8, tag1);
    }

    /** Absorbs {@code length} (a multiple of 16) bytes; {@code highBit} is 1 for whole message blocks. */
    private void blocks(byte[] data, int offset, int length, long highBit) {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        final long k0 = r0;
        final long k1 = r1;
        final long k1Folded = s1;
        for (int end = offset + length; offset < end; offset += BLOCK_BYTES) {
            long m0 = (long) LE_LONG.get(data, offset);
            long m1 = (long) LE_LONG.get(data, offset + 8);
            long sum0 = a0 + m0;
            long carry = Long.compareUnsigned(sum0, a0) < 0 ? 1 : 0;
            long sum1 = a1 + m1 + carry;
            carry = (Long.compareUnsigned(sum1, a1) < 0 || (carry == 1 && sum1 == a1)) ? 1 : 0;
            a2 += carry + highBit;
            a0 = sum0;
            a1 = sum1;

            // d0 = a0·r0 + a1·s1, d1 = a0·r1 + a1·r0 + a2·s1, d2 = a2·r0 (a2 is below 8).
            long d0Low = a0 * k0;
            long d0High = unsignedMultiplyHigh(a0, k0);
            long p = a1 * k1Folded;
            long d0Sum = d0Low + p;
            d0High += unsignedMultiplyHigh(a1, k1Folded) + (Long.compareUnsigned(d0Sum, d0Low) < 0 ? 1 : 0);
            d0Low = d0Sum;

            long d1Low = a0 * k1;
            long d1High = unsignedMultiplyHigh(a0, k1);
            p = a1 * k0;
            long d1Sum = d1Low + p;
            d1High += unsignedMultiplyHigh(a1, k0) + (Long.compareUnsigned(d1Sum, d1Low) < 0 ? 1 : 0);
            d1Low = d1Sum;
            p = a2 * k1Folded;
            d1Sum = d1Low + p;
            d1High += Long.compareUnsigned(d1Sum, d1Low) < 0 ? 1 : 0;
            d1Low = d1Sum;
            d1Sum = d1Low + d0High;
            d1High += Long.compareUnsigned(d1Sum, d1Low) < 0 ? 1 : 0;
            d1Low = d1Sum;

            long d2 = a2 * k0 + d1High;
            // Partial reduction: 2^130 = 5 (mod p), so the bits of d2 from 2 up come back in times five.
            long fold = (d2 & ~3L) + (d2 >>> 2);
            a2 = d2 & 3;
            a0 = d0Low + fold;
            carry = Long.compareUnsigned(a0, d0Low) < 0 ? 1 : 0;
            a1 = d1Low + carry;
            carry = Long.compareUnsigned(a1, d1Low) < 0 ? 1 : 0;
            a2 += carry;
        }
        h0 = a0;
        h1 = a1;
        h2 = a2;
    }

    /** The high 64 bits of the unsigned product of {@code a} and {@code b}, where {@code b} is below 2^63. */
    private static long unsignedMultiplyHigh(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b);
    }
}
