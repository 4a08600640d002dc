package dev.facet.web;

import dev.facet.core.error.InvalidInput;
import io.javalin.http.Context;

/** Numbers in query strings, checked at the edge: a bad one is a 400 naming the parameter and what it accepts. */
final class QueryParameters {
    private QueryParameters() {
    }

    /** The whole number in {@code name}, {@code fallback} when it is absent or empty. */
    static long wholeNumber(Context ctx, String name, long fallback, long min, long max) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInput(name, "'" + name + "' must be a whole number "
                + (max == Long.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max) + ".");
    }
}
