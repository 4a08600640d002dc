package dev.facet.cli;

import java.security.SecureRandom;

/** Keys for tokens that live only as long as this process: made at each start, never stored. */
final class ProcessKeys {
    private static final int BYTES = 32;

    private ProcessKeys() {
    }

    static byte[] random(SecureRandom random) {
        byte[] key = new byte[BYTES];
        random.nextBytes(key);
        return key;
    }
}
