package dev.facet.core.name;

import dev.facet.core.error.InvalidInput;
import java.util.Locale;
import java.util.regex.Pattern;

/** A project's key, as in {@code /scm/KEY/repo.git}: a letter, then letters, digits or underscores; upper case. */
public record ProjectKey(String value) {
    public static final int MAX_LENGTH = 128;
    private static final Pattern VALID = Pattern.compile("[A-Z][A-Z0-9_]*");

    public ProjectKey {
        NameRules.requirePresent("key", "A project key", value, MAX_LENGTH);
        if (!VALID.matcher(value).matches()) {
            throw new InvalidInput("key", "Project key '" + value
                    + "' is invalid: it must start with a letter and hold only letters, digits and underscores.");
        }
    }

    /** Accepts any case, since Git URLs and REST paths treat the key case-insensitively. */
    public static ProjectKey of(String raw) {
        return new ProjectKey(raw == null ? null : raw.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value;
    }
}
