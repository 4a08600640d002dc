package dev.facet.core.access;

import java.util.Collection;
import java.util.Objects;

/**
 * What the credentials of a request let their holder do with the user's own rights. A password
 * reaches everything the user may do. An access token reaches only what its permissions name, as
 * Bitbucket scopes them: a repository permission reaches repositories, a project permission
 * reaches projects and their repositories, and no token reaches the account itself (creating
 * tokens, changing the user) or global administration (users, projects, mirrors).
 *
 * @param projects     the most the credentials allow on a project
 * @param repositories the most the credentials allow on a repository
 * @param wholeAccount true for a password: the account and, for an administrator, administration
 */
public record TokenScope(AccessLevel projects, AccessLevel repositories, boolean wholeAccount) {
    /** Signed in with the password. */
    public static final TokenScope PASSWORD = new TokenScope(AccessLevel.ADMIN, AccessLevel.ADMIN, true);

    public TokenScope {
        Objects.requireNonNull(projects, "projects");
        Objects.requireNonNull(repositories, "repositories");
        if (wholeAccount && (projects != AccessLevel.ADMIN || repositories != AccessLevel.ADMIN)) {
            throw new IllegalArgumentException("Credentials that reach the whole account reach every level.");
        }
        if (projects.compareTo(repositories) > 0) {
            throw new IllegalArgumentException("A project permission reaches the project's repositories too.");
        }
    }

    /** The scope of an access token with these permissions. */
    public static TokenScope of(Collection<Permission> permissions) {
        AccessLevel projects = AccessLevel.NONE;
        AccessLevel repositories = AccessLevel.NONE;
        for (Permission permission : permissions) {
            if (permission.scope() == Permission.Scope.PROJECT) {
                projects = AccessLevel.max(projects, permission.level());
            }
            repositories = AccessLevel.max(repositories, permission.level());
        }
        return new TokenScope(projects, repositories, false);
    }

    public boolean isToken() {
        return !wholeAccount;
    }

    /** What a user who has {@code level} on a project may do with it through these credentials. */
    public AccessLevel onProject(AccessLevel level) {
        return AccessLevel.min(level, projects);
    }

    /** What a user who has {@code level} on a repository may do with it through these credentials. */
    public AccessLevel onRepository(AccessLevel level) {
        return AccessLevel.min(level, repositories);
    }
}
