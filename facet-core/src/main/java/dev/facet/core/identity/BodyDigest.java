package dev.facet.core.identity;

import dev.facet.core.digest.Sha256;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The SHA-256 of a message body, base64url without padding: what a signed request or answer
 * carries so that a body changed on the way no longer matches its signature. An empty body has a
 * digest too, so "no body" cannot be swapped for one.
 */
public record BodyDigest(String value) {
    private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_-]{43}");

    public BodyDigest {
        if (value == null || !FORM.matcher(value).matches()) {
            throw new IllegalArgumentException("A body digest is 43 base64url characters (SHA-256), not '" + value + "'");
        }
    }

    public static BodyDigest of(byte[] body) {
        byte[] digest = Sha256.newDigest().digest(body == null ? new byte[0] : body);
        return new BodyDigest(Base64.getUrlEncoder().withoutPadding().encodeToString(digest));
    }

    /** Whether {@code text} has the form of a digest, for reading one from a token without throwing. */
    static boolean isDigest(Object text) {
        return text instanceof String string && FORM.matcher(string).matches();
    }
}
