package dev.facet.core.store;

import dev.facet.core.access.Permission;
import java.util.List;
import java.util.Optional;

/**
 * Permissions granted to users and to groups on projects and repositories; one permission per grantee and
 * target. A {@code filter} matches part of a user's name, display name or email, or of a group's name.
 */
public interface Grants {
    void grantOnProject(long projectId, long userId, Permission permission);

    void grantOnRepository(long repositoryId, long userId, Permission permission);

    void revokeOnProject(long projectId, long userId);

    void revokeOnRepository(long repositoryId, long userId);

    Optional<Permission> onProject(long projectId, long userId);

    Optional<Permission> onRepository(long repositoryId, long userId);

    void grantGroupOnProject(long projectId, long groupId, Permission permission);

    void grantGroupOnRepository(long repositoryId, long groupId, Permission permission);

    void revokeGroupOnProject(long projectId, long groupId);

    void revokeGroupOnRepository(long repositoryId, long groupId);

    /** The permissions the user holds on the project through the groups they belong to. */
    List<Permission> throughGroupsOnProject(long projectId, long userId);

    /** The permissions the user holds on the repository through the groups they belong to. */
    List<Permission> throughGroupsOnRepository(long repositoryId, long userId);

    /** Users granted a permission on the project, by name. */
    List<Grant<User>> usersOnProject(long projectId, String filter, int start, int limit);

    List<Grant<Group>> groupsOnProject(long projectId, String filter, int start, int limit);

    List<Grant<User>> usersOnRepository(long repositoryId, String filter, int start, int limit);

    List<Grant<Group>> groupsOnRepository(long repositoryId, String filter, int start, int limit);
}
