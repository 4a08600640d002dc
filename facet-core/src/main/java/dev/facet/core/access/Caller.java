package dev.facet.core.access;

import dev.facet.core.name.Username;

/**
 * Who is making a request: a user (possibly through an access token that caps what they may do)
 * or nobody at all.
 *
 * @param userId   null for an anonymous caller
 * @param tokenCap the most an access token lets its holder do; ADMIN when signed in with a password
 */
public record Caller(Long userId, Username name, GlobalRole role, AccessLevel tokenCap) {
    public static final Caller ANONYMOUS = new Caller(null, null, null, AccessLevel.READ);

    public boolean isAnonymous() {
        return userId == null;
    }

    public boolean isAdmin() {
        return !isAnonymous() && role.isAdmin();
    }

    @Override
    public String toString() {
        return isAnonymous() ? "anonymous" : name.value();
    }
}
