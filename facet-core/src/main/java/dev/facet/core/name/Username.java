package dev.facet.core.name;

import dev.facet.core.error.InvalidInput;
import java.util.Locale;
import java.util.regex.Pattern;

/** A user's login name; case-insensitive, so it is kept in lower case. */
public record Username(String value) {
    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._@-]*");

    public Username {
        NameRules.requirePresent("name", "A user name", value, MAX_LENGTH);
        if (!VALID.matcher(value).matches()) {
            throw new InvalidInput("name", "User name '" + value
                    + "' is invalid: it must start with a letter or digit and hold only letters, digits, "
                    + "'.', '_', '@' and '-'.");
        }
    }

    public static Username of(String raw) {
        return new Username(raw == null ? null : raw.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value;
    }
}
