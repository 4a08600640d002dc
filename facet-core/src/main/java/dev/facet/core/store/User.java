package dev.facet.core.store;

import dev.facet.core.access.GlobalRole;
import dev.facet.core.name.Username;

/**
 * A person or robot that signs in. {@code passwordHash} is a self-describing slow hash, never a password.
 *
 * @param active false once an administrator disabled the account: it then signs nothing in, by any credential
 */
public record User(long id, Username name, String displayName, String emailAddress, GlobalRole role,
                   String passwordHash, boolean active) {
    @Override
    public String toString() {
        return "User[" + id + ", " + name + ", " + role + (active ? "" : ", disabled") + "]";
    }
}
