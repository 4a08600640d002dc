package dev.facet.primary;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.access.Permission;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.StoreTransaction;
import java.util.List;
import java.util.Optional;

/**
 * Who may do what, in one place. A user's level on a repository is the highest of: a global
 * admin role (their own or a group's), a project permission, a repository permission, each granted to
 * the user or to a group they belong to; the scope of the credentials they
 * used limits it (a token reaches only what its permissions name, see {@link
 * dev.facet.core.access.TokenScope}); public repositories add READ for everyone. Global
 * administration needs an administrator's password, never a token. Callers who may not read
 * something are told it does not exist.
 */
final class AccessRules {
    private AccessRules() {
    }

    static AccessLevel onProject(StoreTransaction tx, Caller caller, Project project) {
        AccessLevel publicLevel = project.isPublic() ? AccessLevel.READ : AccessLevel.NONE;
        if (caller.isMirror()) {
            return carries(tx, caller.mirrorId(), project.id()) ? AccessLevel.READ : AccessLevel.NONE;
        }
        if (caller.isAnonymous()) {
            return publicLevel;
        }
        return AccessLevel.max(publicLevel, caller.scope().onProject(userOnProject(tx, caller, project)));
    }

    static AccessLevel onRepository(StoreTransaction tx, Caller caller, RepositoryRecord repository) {
        Project project = tx.projects().find(repository.projectKey()).orElseThrow();
        AccessLevel publicLevel = repository.isPublic() || project.isPublic() ? AccessLevel.READ : AccessLevel.NONE;
        if (caller.isMirror()) {
            return carries(tx, caller.mirrorId(), project.id()) ? AccessLevel.READ : AccessLevel.NONE;
        }
        if (caller.isAnonymous()) {
            return publicLevel;
        }
        AccessLevel user = AccessLevel.max(userOnProject(tx, caller, project), highest(
                tx.grants().onRepository(repository.id(), caller.userId()),
                tx.grants().throughGroupsOnRepository(repository.id(), caller.userId())));
        return AccessLevel.max(publicLevel, caller.scope().onRepository(user));
    }

    /** The user's own level on a project, before their credentials' scope limits it: the admin role or a grant. */
    private static AccessLevel userOnProject(StoreTransaction tx, Caller caller, Project project) {
        if (caller.hasAdminRole()) {
            return AccessLevel.ADMIN;
        }
        return highest(tx.grants().onProject(project.id(), caller.userId()),
                tx.grants().throughGroupsOnProject(project.id(), caller.userId()));
    }

    /** The highest level of a user's own grant and those of their groups. */
    private static AccessLevel highest(Optional<Permission> own, List<Permission> throughGroups) {
        AccessLevel level = own.map(Permission::level).orElse(AccessLevel.NONE);
        for (Permission permission : throughGroups) {
            level = AccessLevel.max(level, permission.level());
        }
        return level;
    }

    /** Whether a registered mirror carries the project's repositories. */
    static boolean carries(StoreTransaction tx, String mirrorId, long projectId) {
        return tx.mirrorServers().find(mirrorId)
                .map(mirror -> mirror.allProjects() || tx.mirrorServers().selectedProjects(mirrorId).contains(projectId))
                .orElse(false);
    }

    /** Whether the caller may see that the project exists: any access to it or to one of its repositories. */
    static boolean canSee(StoreTransaction tx, Caller caller, Project project) {
        if (onProject(tx, caller, project).allows(AccessLevel.READ)) {
            return true;
        }
        int start = 0;
        while (true) {
            var page = tx.repositories().listInProject(project.id(), start, 100);
            for (RepositoryRecord repository : page) {
                if (onRepository(tx, caller, repository).allows(AccessLevel.READ)) {
                    return true;
                }
            }
            if (page.size() < 100) {
                return false;
            }
            start += page.size();
        }
    }

    static Project requireProject(StoreTransaction tx, Caller caller, ProjectKey key, AccessLevel needed) {
        Project project = tx.projects().find(key).filter(p -> canSee(tx, caller, p))
                .orElseThrow(() -> notFound(caller, "Project " + key + " does not exist."));
        if (!onProject(tx, caller, project).allows(needed)) {
            throw denied(caller, "You need " + needed + " access to project " + key + " for this.");
        }
        return project;
    }

    static RepositoryRecord requireRepository(StoreTransaction tx, Caller caller, RepositoryRecord repository,
                                              AccessLevel needed) {
        AccessLevel level = onRepository(tx, caller, repository);
        String name = repository.projectKey() + "/" + repository.slug();
        if (!level.allows(AccessLevel.READ)) {
            throw notFound(caller, "Repository " + name + " does not exist.");
        }
        if (!level.allows(needed)) {
            throw denied(caller, "You need " + needed + " access to repository " + name + " for this.");
        }
        return repository;
    }

    /** Lets through a user acting with their whole account whose global role includes {@code role}. */
    static void requireRole(Caller caller, GlobalRole role) {
        if (caller.isUser() && !caller.actsForWholeAccount() && caller.role().includes(role)) {
            throw denied(caller, "Access tokens do not reach global permissions; sign in with your password for this.");
        }
        if (!caller.actsForWholeAccount() || !caller.role().includes(role)) {
            throw denied(caller, "Only users with the global permission " + role.permissionName() + " may do this.");
        }
    }

    /** Lets through a signed-in user, whatever their credentials: what any licensed user may read. */
    static void requireSignedIn(Caller caller) {
        if (!caller.isUser()) {
            throw denied(caller, "Only signed-in users may do this.");
        }
    }

    static void requireAdmin(Caller caller) {
        if (caller.hasAdminRole() && !caller.isAdmin()) {
            throw denied(caller, "Access tokens do not reach administration; an administrator does this signed in "
                    + "with their password.");
        }
        if (!caller.isAdmin()) {
            throw denied(caller, "Only administrators may do this.");
        }
    }

    /**
     * Lets through a user acting with their whole account: a token may not mint tokens or change the
     * account it belongs to.
     */
    static void requireWholeAccount(Caller caller, String action) {
        if (!caller.isUser()) {
            throw denied(caller, "Only a signed-in user may " + action + ".");
        }
        if (!caller.actsForWholeAccount()) {
            throw new PermissionDenied("An access token may not " + action + "; use your password.");
        }
    }

    /** Anonymous callers are asked to sign in rather than told that something is missing. */
    static RuntimeException notFound(Caller caller, String message) {
        return caller.isAnonymous() ? new AuthenticationRequired("Authentication required.") : new NotFound(null, message);
    }

    static RuntimeException denied(Caller caller, String message) {
        return caller.isAnonymous() ? new AuthenticationRequired("Authentication required.") : new PermissionDenied(message);
    }
}
