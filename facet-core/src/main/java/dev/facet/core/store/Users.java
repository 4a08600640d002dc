package dev.facet.core.store;

import dev.facet.core.access.GlobalRole;
import dev.facet.core.name.Username;
import java.util.List;
import java.util.Optional;

/** The users table. */
public interface Users {
    /** @throws dev.facet.core.error.AlreadyExists when the name is taken */
    User create(Username name, String displayName, String emailAddress, GlobalRole role, String passwordHash);

    Optional<User> find(Username name);

    Optional<User> findById(long userId);

    long count();

    /** Users by name. */
    List<User> list(int start, int limit);

    /** Users by name whose name, display name or email holds {@code filter} in any case (null or empty: all). */
    List<User> list(String filter, int start, int limit);

    void setDetails(long userId, String displayName, String emailAddress);

    void setRole(long userId, GlobalRole role);

    void setPasswordHash(long userId, String passwordHash);

    void setActive(long userId, boolean active);

    /** Removes the user with their tokens and permissions. */
    void delete(long userId);
}
