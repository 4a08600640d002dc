package dev.facet.primary;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.access.Permission;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.StoreTransaction;

/**
 * Who may do what, in one place. A caller's level on a repository is the highest of: a global
 * admin role, a project permission, a repository permission, and READ for public repositories;
 * an access token caps it. Callers who may not read something are told it does not exist.
 */
final class AccessRules {
    private AccessRules() {
    }

    static AccessLevel onProject(StoreTransaction tx, Caller caller, Project project) {
        AccessLevel level = project.isPublic() ? AccessLevel.READ : AccessLevel.NONE;
        if (caller.isMirror()) {
            return carries(tx, caller.mirrorId(), project.id()) ? AccessLevel.READ : AccessLevel.NONE;
        }
        if (caller.isAnonymous()) {
            return level;
        }
        if (caller.isAdmin()) {
            level = AccessLevel.ADMIN;
        } else {
            level = AccessLevel.max(level, tx.grants().onProject(project.id(), caller.userId())
                    .map(Permission::level).orElse(AccessLevel.NONE));
        }
        return AccessLevel.min(level, caller.tokenCap());
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
        AccessLevel level = onProject(tx, caller, project);
        level = AccessLevel.max(level, AccessLevel.min(caller.tokenCap(), tx.grants()
                .onRepository(repository.id(), caller.userId()).map(Permission::level).orElse(AccessLevel.NONE)));
        return AccessLevel.max(level, publicLevel);
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

    static void requireAdmin(Caller caller) {
        if (!caller.isAdmin()) {
            throw denied(caller, "Only administrators may do this.");
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
