package dev.facet.core.access;

import dev.facet.core.error.InvalidInput;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A permission as the REST API names it: on a project or on one repository, at a level. */
public enum Permission {
    PROJECT_READ(Scope.PROJECT, AccessLevel.READ),
    PROJECT_WRITE(Scope.PROJECT, AccessLevel.WRITE),
    PROJECT_ADMIN(Scope.PROJECT, AccessLevel.ADMIN),
    REPO_READ(Scope.REPOSITORY, AccessLevel.READ),
    REPO_WRITE(Scope.REPOSITORY, AccessLevel.WRITE),
    REPO_ADMIN(Scope.REPOSITORY, AccessLevel.ADMIN);

    /** What a permission is granted on. */
    public enum Scope { PROJECT, REPOSITORY }

    private final Scope scope;
    private final AccessLevel level;

    Permission(Scope scope, AccessLevel level) {
        this.scope = scope;
        this.level = level;
    }

    public Scope scope() {
        return scope;
    }

    public AccessLevel level() {
        return level;
    }

    /** Parses a permission that must be of the given scope, naming the allowed values when it is not. */
    public static Permission parse(String context, String raw, Scope scope) {
        List<Permission> allowed = Arrays.stream(values()).filter(p -> p.scope == scope).toList();
        String wanted = raw == null ? "" : raw.trim().toUpperCase(Locale.ROOT);
        return allowed.stream().filter(p -> p.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new InvalidInput(context, raw == null || raw.isBlank()
                        ? "A permission is required; use one of " + allowed + "."
                        : "Unknown permission '" + raw + "'; use one of " + allowed + "."));
    }

    /** Parses a permission of any scope (access tokens carry both kinds). */
    public static Permission parseAny(String context, String raw) {
        String wanted = raw == null ? "" : raw.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new InvalidInput(context, "Unknown permission '" + raw + "'; use one of "
                        + Arrays.toString(values()) + "."));
    }
}
