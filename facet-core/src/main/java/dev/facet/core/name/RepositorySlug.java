package dev.facet.core.name;

import dev.facet.core.error.InvalidInput;
import java.util.Locale;
import java.util.regex.Pattern;

/** A repository's name as it appears in URLs: {@code /scm/KEY/slug.git}. Lower case, one safe path segment. */
public record RepositorySlug(String value) {
    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    public RepositorySlug {
        NameRules.requirePresent("slug", "A repository slug", value, RepositoryName.MAX_LENGTH);
        if (!VALID.matcher(value).matches() || value.contains("..")) {
            throw new InvalidInput("slug", "Repository slug '" + value
                    + "' is invalid: it holds only lower-case letters, digits, '.', '-' and '_'.");
        }
    }

    /** Accepts any case, as Git clients may. */
    public static RepositorySlug of(String raw) {
        return new RepositorySlug(raw == null ? null : raw.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return value;
    }
}
