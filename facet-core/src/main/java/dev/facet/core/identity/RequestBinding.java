package dev.facet.core.identity;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a request token is signed for: the HTTP method, the target (path and query, exactly as
 * sent, without scheme and host) and the body's digest. The receiver builds the same from what
 * arrived, so a token taken off one request is worth nothing on another.
 */
public record RequestBinding(String method, String target, BodyDigest body) {
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");

    public RequestBinding {
        if (method == null || !METHOD.matcher(method).matches()) {
            throw new IllegalArgumentException("An HTTP method is 1 to 16 upper-case letters, not '" + method + "'");
        }
        if (target == null || !target.startsWith("/")) {
            throw new IllegalArgumentException("A request target is a path starting with '/', not '" + target + "'");
        }
        Objects.requireNonNull(body, "body");
    }

    public static RequestBinding of(String method, String target, byte[] body) {
        return new RequestBinding(method == null ? null : method.toUpperCase(Locale.ROOT), target, BodyDigest.of(body));
    }

    @Override
    public String toString() {
        return method + " " + target;
    }
}
