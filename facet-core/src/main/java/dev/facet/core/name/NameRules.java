package dev.facet.core.name;

import dev.facet.core.error.InvalidInput;

/** The checks every name shares, so each value type states only what is its own. */
final class NameRules {
    private NameRules() {
    }

    static String requirePresent(String context, String what, String raw, int maxLength) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidInput(context, what + " is required.");
        }
        for (int i = 0; i < raw.length(); i++) {
            if (Character.isISOControl(raw.charAt(i))) {
                throw new InvalidInput(context, what + " must not contain control characters.");
            }
        }
        if (raw.length() > maxLength) {
            throw new InvalidInput(context,
                    what + " must be at most " + maxLength + " characters long; it has " + raw.length() + ".");
        }
        return raw;
    }
}
