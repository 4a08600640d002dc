package dev.facet.core.access;

import dev.facet.core.error.InvalidInput;
import java.util.Arrays;

/** A user's instance-wide role. ADMIN and SYS_ADMIN may do anything with every project. */
public enum GlobalRole {
    USER, ADMIN, SYS_ADMIN;

    public boolean isAdmin() {
        return this != USER;
    }

    public static GlobalRole parse(String context, String raw) {
        return Arrays.stream(values()).filter(r -> r.name().equals(raw)).findFirst()
                .orElseThrow(() -> new InvalidInput(context, "Unknown role '" + raw + "'; use one of "
                        + Arrays.toString(values()) + "."));
    }
}
