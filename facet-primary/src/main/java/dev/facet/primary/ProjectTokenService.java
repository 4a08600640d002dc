package dev.facet.primary;

import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.access.Permission;
import dev.facet.core.digest.Sha256;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.event.EventType;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.name.Username;
import dev.facet.core.store.AccessToken;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.store.User;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Access tokens of a project or of one repository, as Bitbucket has them: each acts as a service user of its own
 * that holds exactly the grant the token reaches (on the project, or on the repository), so every existing check —
 * {@link AccessRules}, Git over HTTP on the primary and, through delegated authentication, on mirrors — treats it
 * as it treats any user. Its permissions cap it further, as a user token's do.
 *
 * <p>Only an administrator of the project (for a repository token, of the repository), signed in with a password,
 * creates, lists, changes or revokes them: a token never mints a token. Revoking one deletes its service user, so
 * it stops working on the primary at once, and an event tells mirrors to forget what they remembered of it.
 * Deleting the project or repository deletes its service users, their tokens and their grants with it.
 */
public final class ProjectTokenService {
    private static final int SECRET_BYTES = 32;
    private static final int ID_BYTES = 6;

    private final Store store;
    private final SecureRandom random;
    private final Clock clock;

    public ProjectTokenService(Store store, SecureRandom random, Clock clock) {
        this.store = store;
        this.random = random;
        this.clock = clock;
    }

    /** What a token belongs to: a project, or one repository of it ({@code repository} set). */
    public record Target(ProjectKey project, RepositorySlug repository) {
        public static Target ofProject(ProjectKey project) {
            return new Target(project, null);
        }

        public static Target ofRepository(ProjectKey project, RepositorySlug repository) {
            return new Target(project, repository);
        }

        boolean isRepository() {
            return repository != null;
        }

        @Override
        public String toString() {
            return isRepository() ? "repository " + project + "/" + repository : "project " + project;
        }
    }

    /** The project or repository a caller administers, as found in the store. */
    record Owner(Target target, long projectId, Long repositoryId) {
        List<AccessToken> tokens(StoreTransaction tx) {
            return repositoryId == null ? tx.serviceUsers().tokensOfProject(projectId)
                    : tx.serviceUsers().tokensOfRepository(repositoryId);
        }

        AccessToken token(StoreTransaction tx, String tokenId) {
            return tokens(tx).stream().filter(token -> token.id().equals(tokenId)).findFirst()
                    .orElseThrow(() -> new NotFound("tokenId", "The " + target + " has no token '" + tokenId + "'."));
        }
    }

    /**
     * A new token; its secret is returned once and only its digest is kept.
     *
     * @param expiryDays after how many days it stops working; null for never
     */
    public UserService.CreatedToken create(Caller caller, Target target, String name, Set<Permission> permissions,
                                           Integer expiryDays) {
        AccessRules.requireWholeAccount(caller, "create access tokens");
        String tokenName = ProjectService.requireText("name", "A token name", name, 255);
        checkPermissions(target, permissions);
        UserService.checkExpiryDays(expiryDays);
        Instant createdAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant expiresAt = expiryDays == null ? null : createdAt.plus(Duration.ofDays(expiryDays));
        String secret = UserService.TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(SECRET_BYTES));
        AccessToken token = store.inTransaction(tx -> {
            Owner owner = administered(tx, caller, target);
            String id = unusedServiceName(tx);
            Username serviceName = serviceName(id);
            User service = owner.repositoryId() == null
                    ? tx.serviceUsers().createForProject(owner.projectId(), serviceName, tokenName)
                    : tx.serviceUsers().createForRepository(owner.repositoryId(), serviceName, tokenName);
            grant(tx, owner, service, permissions);
            AccessToken created = tx.accessTokens().create(id, service.id(), tokenName, permissions,
                    Sha256.hex(secret), createdAt, expiresAt);
            tx.audit().record(createdAt, caller.toString(), AuditAction.TOKEN_CREATE, null, null,
                    "token " + tokenName + " (" + id + ") of " + target + ", " + permissions
                            + (expiresAt == null ? "" : ", expires " + expiresAt));
            return created;
        });
        return new UserService.CreatedToken(token, secret);
    }

    /** The tokens of a project (not those of its repositories) or of a repository, newest first. */
    public List<AccessToken> tokens(Caller caller, Target target) {
        AccessRules.requireWholeAccount(caller, "list access tokens");
        return store.inTransaction(tx -> administered(tx, caller, target).tokens(tx));
    }

    public AccessToken token(Caller caller, Target target, String tokenId) {
        AccessRules.requireWholeAccount(caller, "read access tokens");
        return store.inTransaction(tx -> administered(tx, caller, target).token(tx, tokenId));
    }

    /**
     * Changes what a token is called, what it may do and when it expires; a field left null stays as it is. Its
     * expiry counts from its creation, as a user token's does. Mirrors forget what they remembered of it.
     */
    public AccessToken update(Caller caller, Target target, String tokenId, String name, Set<Permission> permissions,
                              Integer expiryDays) {
        AccessRules.requireWholeAccount(caller, "change access tokens");
        String tokenName = name == null ? null : ProjectService.requireText("name", "A token name", name, 255);
        if (permissions != null) {
            checkPermissions(target, permissions);
        }
        UserService.checkExpiryDays(expiryDays);
        return store.inTransaction(tx -> {
            Owner owner = administered(tx, caller, target);
            AccessToken before = owner.token(tx, tokenId);
            AccessToken after = before.changedTo(tokenName, permissions, expiryDays, clock.instant());
            tx.accessTokens().update(after);
            User service = tx.users().findById(before.userId()).orElseThrow();
            grant(tx, owner, service, after.permissions());
            tx.audit().record(clock.instant(), caller.toString(), AuditAction.TOKEN_UPDATE, null, null,
                    "token " + after.name() + " (" + after.id() + ") of " + target + ", " + after.permissions()
                            + (after.expiresAt() == null ? "" : ", expires " + after.expiresAt()));
            tx.events().append(EventType.PERMISSIONS_CHANGED, null, EventPayloads.accountChanged(service.name()),
                    clock.instant());
            return after;
        });
    }

    /** Revokes a token at once, with the service user it acted as and that user's grant. */
    public void revoke(Caller caller, Target target, String tokenId) {
        AccessRules.requireWholeAccount(caller, "revoke access tokens");
        store.useTransaction(tx -> {
            Owner owner = administered(tx, caller, target);
            AccessToken token = owner.token(tx, tokenId);
            tx.users().delete(token.userId());
            tx.audit().record(clock.instant(), caller.toString(), AuditAction.TOKEN_REVOKE, null, null,
                    "token " + token.name() + " (" + token.id() + ") of " + target);
            tx.events().append(EventType.PERMISSIONS_CHANGED, null,
                    EventPayloads.accountChanged(serviceName(token.id())), clock.instant());
        });
    }

    /** The project or repository, once the caller is known to administer it; others are told what they may know. */
    static Owner administered(StoreTransaction tx, Caller caller, Target target) {
        if (!target.isRepository()) {
            Project project = AccessRules.requireProject(tx, caller, target.project(), AccessLevel.ADMIN);
            return new Owner(target, project.id(), null);
        }
        RepositoryRecord repository = tx.repositories().find(target.project(), target.repository())
                .orElseThrow(() -> AccessRules.notFound(caller, "Repository " + target.project() + "/"
                        + target.repository() + " does not exist."));
        AccessRules.requireRepository(tx, caller, repository, AccessLevel.ADMIN);
        return new Owner(target, repository.projectId(), repository.id());
    }

    /**
     * Gives the service user the one grant its token reaches: on the project at the highest level the token names
     * (its repositories inherit it), or on the repository. The token's own permissions then cap what it does with it.
     */
    private static void grant(StoreTransaction tx, Owner owner, User service, Set<Permission> permissions) {
        AccessLevel level = permissions.stream().map(Permission::level).reduce(AccessLevel.NONE, AccessLevel::max);
        if (owner.repositoryId() == null) {
            tx.grants().grantOnProject(owner.projectId(), service.id(), Permission.valueOf("PROJECT_" + level));
        } else {
            tx.grants().grantOnRepository(owner.repositoryId(), service.id(), Permission.valueOf("REPO_" + level));
        }
    }

    /**
     * Bitbucket's combinations: a repository token takes one REPO_* permission; a project token takes at most one
     * PROJECT_* and one REPO_* permission, and its repository permission is at least its project permission, since
     * the project's repositories inherit that.
     */
    private static void checkPermissions(Target target, Set<Permission> permissions) {
        if (permissions == null || permissions.isEmpty()) {
            throw new InvalidInput("permissions", "A token needs at least one permission, such as "
                    + (target.isRepository() ? "REPO_READ." : "PROJECT_READ."));
        }
        List<Permission> onProject = permissions.stream().filter(p -> p.scope() == Permission.Scope.PROJECT).toList();
        List<Permission> onRepositories = permissions.stream()
                .filter(p -> p.scope() == Permission.Scope.REPOSITORY).toList();
        if (target.isRepository() && !onProject.isEmpty()) {
            throw new InvalidInput("permissions", "A repository token takes no project permission; give it one of "
                    + "REPO_READ, REPO_WRITE or REPO_ADMIN.");
        }
        if (onProject.size() > 1 || onRepositories.size() > 1) {
            throw new InvalidInput("permissions", "A token takes at most one project permission and one repository "
                    + "permission; " + permissions + " names more.");
        }
        if (!onProject.isEmpty() && !onRepositories.isEmpty()
                && onRepositories.get(0).level().compareTo(onProject.get(0).level()) < 0) {
            throw new InvalidInput("permissions", "A token's repository permission must be at least its project "
                    + "permission, which the project's repositories inherit: " + onRepositories.get(0) + " is below "
                    + onProject.get(0) + ".");
        }
    }

    /**
     * A token id whose service user name no user has yet. Service users are named after their token, so that a
     * push or an audit entry made with a token says which one it was.
     */
    private String unusedServiceName(StoreTransaction tx) {
        return unusedServiceId(tx, random, ProjectTokenService::serviceName);
    }

    /** A short random id whose service user name, as {@code nameOf} makes it, no user has yet. */
    static String unusedServiceId(StoreTransaction tx, SecureRandom random, java.util.function.Function<String, Username> nameOf) {
        while (true) {
            byte[] bytes = new byte[ID_BYTES];
            random.nextBytes(bytes);
            String id = HexFormat.of().formatHex(bytes);
            if (tx.users().find(nameOf.apply(id)).isEmpty()) {
                return id;
            }
        }
    }

    /** The name of the service user a project or repository token acts as. */
    public static Username serviceName(String tokenId) {
        return Username.of("token-" + tokenId);
    }

    private byte[] bytes(int count) {
        byte[] bytes = new byte[count];
        random.nextBytes(bytes);
        return bytes;
    }
}
