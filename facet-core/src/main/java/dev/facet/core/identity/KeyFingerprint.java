package dev.facet.core.identity;

import dev.facet.core.error.InvalidInput;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The full fingerprint of an instance's public key ({@link InstancePublicKey#fingerprint()}: 64
 * hex digits), as an administrator types it in after reading it on the instance itself. Colons,
 * spaces and upper case are allowed and dropped, so a copy from either console is taken as it is.
 * The short grouped form is refused: its 64 bits are for comparing by eye, not for deciding which
 * key a mirror trusts from now on.
 */
public record KeyFingerprint(String hex) {
    private static final int HEX_DIGITS = 64;
    private static final int SHORT_HEX_DIGITS = 16;
    private static final Pattern SEPARATORS = Pattern.compile("[:\\s]");
    private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

    public KeyFingerprint {
        if (hex == null || hex.isBlank()) {
            throw invalid("A key fingerprint is required: the 64 hex digits the primary shows as its key fingerprint.");
        }
        hex = SEPARATORS.matcher(hex).replaceAll("").toLowerCase(Locale.ROOT);
        if (!HEX.matcher(hex).matches()) {
            throw invalid("A key fingerprint is made of hex digits (0-9, a-f), optionally grouped by colons.");
        }
        if (hex.length() == SHORT_HEX_DIGITS) {
            throw invalid("This is the short fingerprint, for comparing by eye; type the full one (64 hex digits), "
                    + "as the primary shows it on its mirror console and in GET /rest/mirroring/latest/instance.");
        }
        if (hex.length() != HEX_DIGITS) {
            throw invalid("A key fingerprint has " + HEX_DIGITS + " hex digits; this one has " + hex.length() + ".");
        }
    }

    public static KeyFingerprint of(InstancePublicKey key) {
        return new KeyFingerprint(key.fingerprint());
    }

    /** Whether this is the fingerprint of {@code key}. */
    public boolean identifies(InstancePublicKey key) {
        return hex.equals(key.fingerprint());
    }

    @Override
    public String toString() {
        return hex;
    }

    private static InvalidInput invalid(String message) {
        return new InvalidInput("keyFingerprint", message);
    }
}
