package dev.facet.core.name;

import dev.facet.core.error.InvalidInput;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A repository's display name. It starts with a letter or digit and holds letters, digits,
 * spaces, dots, dashes and underscores, so the slug derived from it is always a safe path
 * segment.
 */
public record RepositoryName(String value) {
    public static final int MAX_LENGTH = 128;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]*");

    public RepositoryName {
        NameRules.requirePresent("name", "A repository name", value, MAX_LENGTH);
        if (!VALID.matcher(value).matches() || value.contains("..") || value.endsWith(" ")) {
            throw new InvalidInput("name", "Repository name '" + value
                    + "' is invalid: it must start with a letter or digit and hold only letters, digits, "
                    + "spaces, '.', '-' and '_' (no '..', no trailing space).");
        }
        if (value.toLowerCase(Locale.ROOT).endsWith(".git")) {
            throw new InvalidInput("name", "Repository name '" + value + "' must not end with '.git'.");
        }
    }

    /** The URL form of this name: lower case, spaces as dashes. */
    public RepositorySlug slug() {
        return new RepositorySlug(value.toLowerCase(Locale.ROOT).replace(' ', '-'));
    }

    @Override
    public String toString() {
        return value;
    }
}
