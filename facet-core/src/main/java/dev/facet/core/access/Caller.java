package dev.facet.core.access;

import dev.facet.core.name.Username;
import java.util.Objects;

/**
 * Who is making a request: a user (through a password, or an access token whose scope limits
 * what they may do), a registered mirror fetching what it carries, or nobody at all.
 *
 * @param userId   null unless a user is signed in
 * @param scope    what the credentials reach of the user's rights; {@link TokenScope#PASSWORD} for a password
 * @param mirrorId the mirror's instance id when a mirror is fetching, else null
 */
public record Caller(Long userId, Username name, GlobalRole role, TokenScope scope, String mirrorId) {
    public static final Caller ANONYMOUS = new Caller(null, null, null, TokenScope.PASSWORD, null);

    public Caller {
        Objects.requireNonNull(scope, "scope");
    }

    public static Caller user(long userId, Username name, GlobalRole role, TokenScope scope) {
        return new Caller(userId, name, role, scope, null);
    }

    public static Caller mirror(String mirrorId) {
        return new Caller(null, null, null, TokenScope.PASSWORD, mirrorId);
    }

    public boolean isAnonymous() {
        return userId == null && mirrorId == null;
    }

    public boolean isMirror() {
        return mirrorId != null;
    }

    public boolean isUser() {
        return userId != null;
    }

    /** Whether the user's global role makes them an administrator, whatever credentials they used. */
    public boolean hasAdminRole() {
        return isUser() && role != null && role.isAdmin();
    }

    /** An administrator acting with the whole account: global administration is never within a token's reach. */
    public boolean isAdmin() {
        return hasAdminRole() && scope.wholeAccount();
    }

    /** Whether the request acts for the account itself (not through a token): only then may it change it or mint tokens. */
    public boolean actsForWholeAccount() {
        return isUser() && scope.wholeAccount();
    }

    @Override
    public String toString() {
        return isUser() ? name.value() : isMirror() ? "mirror " + mirrorId : "anonymous";
    }
}
