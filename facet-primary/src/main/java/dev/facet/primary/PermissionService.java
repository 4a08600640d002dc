package dev.facet.primary;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.access.GitAccessPolicy;
import dev.facet.core.access.Permission;
import dev.facet.core.event.EventType;
import dev.facet.core.name.GroupName;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.name.Username;
import dev.facet.core.store.Grant;
import dev.facet.core.store.Group;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.store.User;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Grants permissions (announcing each change in the outbox) and decides Git access. */
public final class PermissionService implements GitAccessPolicy {
    private static final Logger log = LoggerFactory.getLogger(PermissionService.class);

    private final Store store;
    private final Clock clock;

    public PermissionService(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Grants {@code permission} (a PROJECT_* one) on a project, replacing what the user had there. */
    public void grantOnProject(Caller caller, ProjectKey key, Username username, Permission permission) {
        store.useTransaction(tx -> {
            Project project = AccessRules.requireProject(tx, caller, key, AccessLevel.ADMIN);
            User user = GroupService.requireUser(tx, username);
            tx.grants().grantOnProject(project.id(), user.id(), permission);
            tx.events().append(EventType.PERMISSIONS_CHANGED, null,
                    EventPayloads.projectPermission(key, username, permission), clock.instant());
        });
        log.info("{} granted {} on project {} by {}", username, permission, key, caller);
    }

    /** Grants {@code permission} (a REPO_* one) on a repository, replacing what the user had there. */
    public void grantOnRepository(Caller caller, ProjectKey key, RepositorySlug slug, Username username,
                                  Permission permission) {
        store.useTransaction(tx -> {
            RepositoryRecord repository = requireRepositoryAdmin(tx, caller, key, slug);
            User user = GroupService.requireUser(tx, username);
            tx.grants().grantOnRepository(repository.id(), user.id(), permission);
            tx.events().append(EventType.PERMISSIONS_CHANGED, repository.id(),
                    EventPayloads.repositoryPermission(key, repository.id(), username, permission),
                    clock.instant());
        });
        log.info("{} granted {} on repository {}/{} by {}", username, permission, key, slug, caller);
    }

    public void revokeOnProject(Caller caller, ProjectKey key, Username username) {
        store.useTransaction(tx -> {
            Project project = AccessRules.requireProject(tx, caller, key, AccessLevel.ADMIN);
            User user = GroupService.requireUser(tx, username);
            tx.grants().revokeOnProject(project.id(), user.id());
            tx.events().append(EventType.PERMISSIONS_CHANGED, null,
                    EventPayloads.projectPermission(key, username, null), clock.instant());
        });
    }

    public void revokeOnRepository(Caller caller, ProjectKey key, RepositorySlug slug, Username username) {
        store.useTransaction(tx -> {
            RepositoryRecord repository = requireRepositoryAdmin(tx, caller, key, slug);
            User user = GroupService.requireUser(tx, username);
            tx.grants().revokeOnRepository(repository.id(), user.id());
            tx.events().append(EventType.PERMISSIONS_CHANGED, repository.id(),
                    EventPayloads.repositoryPermission(key, repository.id(), username, null),
                    clock.instant());
        });
    }

    /** Grants {@code permission} (a PROJECT_* one) on a project to a group, replacing what it had there. */
    public void grantGroupOnProject(Caller caller, ProjectKey key, GroupName name, Permission permission) {
        store.useTransaction(tx -> {
            Project project = AccessRules.requireProject(tx, caller, key, AccessLevel.ADMIN);
            Group group = GroupService.requireGroup(tx, name);
            tx.grants().grantGroupOnProject(project.id(), group.id(), permission);
            tx.events().append(EventType.PERMISSIONS_CHANGED, null,
                    EventPayloads.groupOnProject(key, name, permission), clock.instant());
        });
        log.info("group {} granted {} on project {} by {}", name, permission, key, caller);
    }

    /** Grants {@code permission} (a REPO_* one) on a repository to a group, replacing what it had there. */
    public void grantGroupOnRepository(Caller caller, ProjectKey key, RepositorySlug slug, GroupName name,
                                       Permission permission) {
        store.useTransaction(tx -> {
            RepositoryRecord repository = requireRepositoryAdmin(tx, caller, key, slug);
            Group group = GroupService.requireGroup(tx, name);
            tx.grants().grantGroupOnRepository(repository.id(), group.id(), permission);
            tx.events().append(EventType.PERMISSIONS_CHANGED, repository.id(),
                    EventPayloads.groupOnRepository(key, repository.id(), name, permission), clock.instant());
        });
        log.info("group {} granted {} on repository {}/{} by {}", name, permission, key, slug, caller);
    }

    public void revokeGroupOnProject(Caller caller, ProjectKey key, GroupName name) {
        store.useTransaction(tx -> {
            Project project = AccessRules.requireProject(tx, caller, key, AccessLevel.ADMIN);
            Group group = GroupService.requireGroup(tx, name);
            tx.grants().revokeGroupOnProject(project.id(), group.id());
            tx.events().append(EventType.PERMISSIONS_CHANGED, null,
                    EventPayloads.groupOnProject(key, name, null), clock.instant());
        });
    }

    public void revokeGroupOnRepository(Caller caller, ProjectKey key, RepositorySlug slug, GroupName name) {
        store.useTransaction(tx -> {
            RepositoryRecord repository = requireRepositoryAdmin(tx, caller, key, slug);
            Group group = GroupService.requireGroup(tx, name);
            tx.grants().revokeGroupOnRepository(repository.id(), group.id());
            tx.events().append(EventType.PERMISSIONS_CHANGED, repository.id(),
                    EventPayloads.groupOnRepository(key, repository.id(), name, null), clock.instant());
        });
    }

    /** The users granted a permission on the project, as its administrators read them back. */
    public Page<Grant<User>> usersOnProject(Caller caller, ProjectKey key, String filter, int start, int limit) {
        return store.inTransaction(tx -> Page.of(tx.grants().usersOnProject(
                AccessRules.requireProject(tx, caller, key, AccessLevel.ADMIN).id(), filter, start, limit + 1),
                start, limit));
    }

    public Page<Grant<Group>> groupsOnProject(Caller caller, ProjectKey key, String filter, int start, int limit) {
        return store.inTransaction(tx -> Page.of(tx.grants().groupsOnProject(
                AccessRules.requireProject(tx, caller, key, AccessLevel.ADMIN).id(), filter, start, limit + 1),
                start, limit));
    }

    /** The users granted a permission on the repository itself (not through its project), as its administrators read them back. */
    public Page<Grant<User>> usersOnRepository(Caller caller, ProjectKey key, RepositorySlug slug, String filter,
                                               int start, int limit) {
        return store.inTransaction(tx -> Page.of(tx.grants().usersOnRepository(
                requireRepositoryAdmin(tx, caller, key, slug).id(), filter, start, limit + 1), start, limit));
    }

    public Page<Grant<Group>> groupsOnRepository(Caller caller, ProjectKey key, RepositorySlug slug, String filter,
                                                 int start, int limit) {
        return store.inTransaction(tx -> Page.of(tx.grants().groupsOnRepository(
                requireRepositoryAdmin(tx, caller, key, slug).id(), filter, start, limit + 1), start, limit));
    }

    @Override
    public long authorize(Caller caller, ProjectKey project, RepositorySlug repository, AccessLevel needed) {
        return store.inTransaction(tx -> {
            RepositoryRecord found = tx.repositories().find(project, repository).orElseThrow(
                    () -> AccessRules.notFound(caller, "Repository " + project + "/" + repository + " does not exist."));
            return AccessRules.requireRepository(tx, caller, found, needed).id();
        });
    }

    @Override
    public void requireWrite(Caller caller, long repositoryId) {
        store.useTransaction(tx -> {
            RepositoryRecord found = tx.repositories().findById(repositoryId).orElseThrow(
                    () -> AccessRules.notFound(caller, "Repository " + repositoryId + " does not exist."));
            AccessRules.requireRepository(tx, caller, found, AccessLevel.WRITE);
        });
    }

    private static RepositoryRecord requireRepositoryAdmin(StoreTransaction tx, Caller caller, ProjectKey key,
                                                           RepositorySlug slug) {
        RepositoryRecord repository = tx.repositories().find(key, slug)
                .orElseThrow(() -> AccessRules.notFound(caller, "Repository " + key + "/" + slug + " does not exist."));
        return AccessRules.requireRepository(tx, caller, repository, AccessLevel.ADMIN);
    }
}
