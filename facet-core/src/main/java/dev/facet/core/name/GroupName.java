package dev.facet.core.name;

import dev.facet.core.error.InvalidInput;
import java.util.Locale;

/**
 * The name of a group of users; case-insensitive like a user name, so it is kept in lower case. Bitbucket lets
 * group names hold spaces and most punctuation, so only control characters and commas (which would split
 * Bitbucket's comma-separated name lists) are refused.
 */
public record GroupName(String value) {
    public static final int MAX_LENGTH = 255;

    public GroupName {
        NameRules.requirePresent("name", "A group name", value, MAX_LENGTH);
        if (!value.equals(value.strip()) || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f || c == ',')) {
            throw new InvalidInput("name", "Group name '" + value.strip()
                    + "' is invalid: it may not start or end with spaces, nor hold commas or control characters.");
        }
        if (!value.equals(value.toLowerCase(Locale.ROOT))) {
            throw new InvalidInput("name", "Group name '" + value + "' must be in lower case.");
        }
    }

    public static GroupName of(String raw) {
        return new GroupName(raw == null ? null : raw.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value;
    }
}
