package dev.facet.store;

import java.util.Locale;

/** A user's search text as a SQL LIKE pattern that matches it literally anywhere, in any case. */
final class Filters {
    /** The escape character the patterns use: not a backslash, which JDBI's parser reads inside quotes. */
    static final String ESCAPE = " ESCAPE '!'";

    private Filters() {
    }

    /** {@code %text%} in lower case with LIKE's wildcards escaped; {@code %} for no filter. */
    static String containing(String filter) {
        if (filter == null || filter.isEmpty()) {
            return "%";
        }
        String literal = filter.toLowerCase(Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_");
        return "%" + literal + "%";
    }
}
