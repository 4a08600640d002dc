package dev.facet.web;

import dev.facet.core.error.InvalidInput;
import io.javalin.http.Context;

/** Numbers, booleans and choices in query strings, checked at the edge: a bad one is a 400 naming the parameter and what it accepts. */
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

    /** A positive id in the path parameter {@code name}: anything else is a 400 naming it rather than a 404 or 500. */
    static long pathId(Context ctx, String name) {
        String raw = ctx.pathParam(name);
        try {
            long value = Long.parseLong(raw);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidInput(name, "'" + name + "' must be a repository id: a whole number of at least 1.");
    }

    /** {@code true} or {@code false} (any case) in {@code name}; {@code fallback} when it is absent or empty. */
    static boolean bool(Context ctx, String name, boolean fallback) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        if (raw.equalsIgnoreCase("true")) {
            return true;
        }
        if (raw.equalsIgnoreCase("false")) {
            return false;
        }
        throw new InvalidInput(name, "'" + name + "' must be true or false, not '" + raw + "'.");
    }

    /** One of {@code allowed} (any case) in {@code name}, upper-cased; null when it is absent or empty. */
    static String oneOf(Context ctx, String name, java.util.List<String> allowed) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String wanted = raw.strip().toUpperCase(java.util.Locale.ROOT);
        if (!allowed.contains(wanted)) {
            throw new InvalidInput(name, "'" + name + "' must be one of " + allowed + ", not '" + raw + "'.");
        }
        return wanted;
    }
}
