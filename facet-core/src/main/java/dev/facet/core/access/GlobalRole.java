package dev.facet.core.access;

import dev.facet.core.error.InvalidInput;
import java.util.Arrays;

/**
 * A user's instance-wide role, each including the ones before it. Every user may sign in (Bitbucket's
 * LICENSED_USER); PROJECT_CREATE may also create projects; ADMIN and SYS_ADMIN may do anything with every
 * project, and only SYS_ADMIN may make or change another SYS_ADMIN. A user holds the highest of their own role
 * and the roles of their groups.
 */
public enum GlobalRole {
    USER("LICENSED_USER"), PROJECT_CREATE("PROJECT_CREATE"), ADMIN("ADMIN"), SYS_ADMIN("SYS_ADMIN");

    private final String permission;

    GlobalRole(String permission) {
        this.permission = permission;
    }

    public boolean isAdmin() {
        return this == ADMIN || this == SYS_ADMIN;
    }

    public boolean includes(GlobalRole other) {
        return compareTo(other) >= 0;
    }

    /** The name Bitbucket's REST API gives this role as a global permission. */
    public String permissionName() {
        return permission;
    }

    public static GlobalRole max(GlobalRole a, GlobalRole b) {
        return a == null ? b : b == null || a.compareTo(b) >= 0 ? a : b;
    }

    public static GlobalRole parse(String context, String raw) {
        return Arrays.stream(values()).filter(r -> r.name().equals(raw)).findFirst()
                .orElseThrow(() -> new InvalidInput(context, "Unknown role '" + raw + "'; use one of "
                        + Arrays.toString(values()) + "."));
    }

    /** Reads a global permission as Bitbucket names it: LICENSED_USER, PROJECT_CREATE, ADMIN or SYS_ADMIN. */
    public static GlobalRole parsePermission(String context, String raw) {
        String wanted = raw == null ? "" : raw.strip().toUpperCase(java.util.Locale.ROOT);
        return Arrays.stream(values()).filter(r -> r.permission.equals(wanted)).findFirst()
                .orElseThrow(() -> new InvalidInput(context, (wanted.isEmpty() ? "A global permission is required"
                        : "Unknown global permission '" + raw + "'") + "; use one of "
                        + Arrays.stream(values()).map(GlobalRole::permissionName).toList() + "."));
    }
}
