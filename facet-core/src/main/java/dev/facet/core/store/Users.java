package dev.facet.core.store;

import dev.facet.core.access.GlobalRole;
import dev.facet.core.name.Username;
import java.util.Optional;

/** The users table. */
public interface Users {
    /** @throws dev.facet.core.error.AlreadyExists when the name is taken */
    User create(Username name, String displayName, String emailAddress, GlobalRole role, String passwordHash);

    Optional<User> find(Username name);

    Optional<User> findById(long userId);

    long count();
}
