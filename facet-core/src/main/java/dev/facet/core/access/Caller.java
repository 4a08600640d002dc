package dev.facet.core.access;

import dev.facet.core.name.Username;

/**
 * Who is making a request: a user (possibly through an access token that caps what they may
 * do), a registered mirror fetching what it carries, or nobody at all.
 *
 * @param userId   null unless a user is signed in
 * @param tokenCap the most an access token lets its holder do; ADMIN when signed in with a password
 * @param mirrorId the mirror's instance id when a mirror is fetching, else null
 */
public record Caller(Long userId, Username name, GlobalRole role, AccessLevel tokenCap, String mirrorId) {
    public static final Caller ANONYMOUS = new Caller(null, null, null, AccessLevel.READ, null);

    public static Caller user(long userId, Username name, GlobalRole role, AccessLevel tokenCap) {
        return new Caller(userId, name, role, tokenCap, null);
    }

    public static Caller mirror(String mirrorId) {
        return new Caller(null, null, null, AccessLevel.READ, mirrorId);
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

    /** An administrator acting with full rights: an access token with a lesser cap does not make its owner's power its own. */
    public boolean isAdmin() {
        return isUser() && role.isAdmin() && (tokenCap == null || tokenCap == AccessLevel.ADMIN);
    }

    @Override
    public String toString() {
        return isUser() ? name.value() : isMirror() ? "mirror " + mirrorId : "anonymous";
    }
}
