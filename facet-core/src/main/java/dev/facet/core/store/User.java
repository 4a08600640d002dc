package dev.facet.core.store;

import dev.facet.core.access.GlobalRole;
import dev.facet.core.name.Username;

/** A person or robot that signs in. {@code passwordHash} is a self-describing slow hash, never a password. */
public record User(long id, Username name, String displayName, String emailAddress, GlobalRole role,
                   String passwordHash) {
    @Override
    public String toString() {
        return "User[" + id + ", " + name + ", " + role + "]";
    }
}
