package dev.facet.core.store;

import dev.facet.core.access.GlobalRole;
import dev.facet.core.name.GroupName;
import java.util.List;
import java.util.Optional;

/**
 * The groups table and who belongs to each. A {@code filter} matches part of a name, in any case; null or
 * empty matches everything.
 */
public interface Groups {
    /** @throws dev.facet.core.error.AlreadyExists when the name is taken */
    Group create(GroupName name);

    Optional<Group> find(GroupName name);

    /** Removes the group with its memberships and every permission granted to it. */
    void delete(long groupId);

    /**
     * Groups by name.
     *
     * @param withRole true for groups holding a global role, false for those holding none, null for all
     */
    List<Group> list(String filter, Boolean withRole, int start, int limit);

    /** Gives the group a global role, or takes it away ({@code role} null). */
    void setRole(long groupId, GlobalRole role);

    /** Adds a member; a user already in the group stays in it once. */
    void addMember(long groupId, long userId);

    void removeMember(long groupId, long userId);

    boolean isMember(long groupId, long userId);

    /** The group's members (or, with {@code members} false, the users outside it) whose name, display name or email matches. */
    List<User> members(long groupId, boolean members, String filter, int start, int limit);

    /** The groups the user belongs to (or, with {@code memberOf} false, those they do not), by name. */
    List<Group> groupsOf(long userId, boolean memberOf, String filter, int start, int limit);

    /** The highest global role the user holds through their groups. */
    Optional<GlobalRole> roleThroughGroups(long userId);
}
