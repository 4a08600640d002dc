package dev.facet.primary;

import dev.facet.core.access.Caller;
import dev.facet.core.access.Permission;
import dev.facet.core.access.SshPublicKey;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.event.EventType;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.name.Username;
import dev.facet.core.store.SshKey;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.store.User;
import dev.facet.primary.ProjectTokenService.Owner;
import dev.facet.primary.ProjectTokenService.Target;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * SSH access keys of a project or of one repository, as Bitbucket has them: a key a build server holds to read (or,
 * given a write permission, push to) that project's repositories or that one repository over SSH, and nothing else.
 *
 * <p>Each key acts as a service user of its own that holds exactly the key's grant, as a project access token does,
 * so the one Git authorizer decides what it reaches without a rule of its own, and a mirror asking the primary about
 * the key learns the same. A key is one credential: the same key cannot also be a user's key or another access key
 * (its fingerprint is unique), so a login with it always means one thing. Only an administrator of the project (for
 * a repository key, of the repository), signed in with a password, manages them. Revoking one deletes its service
 * user, with the key and the grant, and tells mirrors to forget it.
 */
public final class AccessKeyService {
    private static final Set<Permission> PROJECT_PERMISSIONS = Set.of(Permission.PROJECT_READ, Permission.PROJECT_WRITE);
    private static final Set<Permission> REPOSITORY_PERMISSIONS = Set.of(Permission.REPO_READ, Permission.REPO_WRITE);
    private static final int MAX_LABEL = 255;

    private final Store store;
    private final SecureRandom random;
    private final Clock clock;

    public AccessKeyService(Store store, SecureRandom random, Clock clock) {
        this.store = store;
        this.random = random;
        this.clock = clock;
    }

    /** A key and what it may do on the project or repository it belongs to. */
    public record AccessKey(SshKey key, Target target, Permission permission) {
    }

    /**
     * @param permission null for read access (Bitbucket's default)
     * @throws InvalidInput when the text is not a key Facet accepts, or the permission is not one an access key takes
     * @throws dev.facet.core.error.AlreadyExists when the key is already registered, as an access key or a user's key
     */
    public AccessKey add(Caller caller, Target target, String text, String label, Permission permission) {
        AccessRules.requireWholeAccount(caller, "add access keys");
        SshPublicKey key = SshPublicKey.parse(text);
        Permission granted = checkPermission(target, permission == null ? readOf(target) : permission);
        String name = label == null || label.isBlank() ? null
                : ProjectService.requireText("label", "A key label", label, MAX_LABEL);
        return store.inTransaction(tx -> {
            Owner owner = ProjectTokenService.administered(tx, caller, target);
            Username serviceName = serviceName(ProjectTokenService.unusedServiceId(tx, random, AccessKeyService::serviceName));
            String displayName = name == null ? "Access key of " + target : name;
            User service = owner.repositoryId() == null
                    ? tx.serviceUsers().createForProject(owner.projectId(), serviceName, displayName)
                    : tx.serviceUsers().createForRepository(owner.repositoryId(), serviceName, displayName);
            grant(tx, owner, service, granted);
            SshKey added = tx.sshKeys().create(service.id(), key, name, clock.instant());
            tx.audit().record(clock.instant(), caller.toString(), AuditAction.SSH_KEY_ADD, null, null,
                    "access key " + added.id() + " (" + key.algorithmType() + " " + key.fingerprint() + ") of "
                            + target + ", " + granted);
            return new AccessKey(added, target, granted);
        });
    }

    /** The access keys of a project (not those of its repositories) or of a repository, oldest first. */
    public List<AccessKey> keys(Caller caller, Target target) {
        AccessRules.requireWholeAccount(caller, "list access keys");
        return store.inTransaction(tx -> {
            Owner owner = ProjectTokenService.administered(tx, caller, target);
            List<SshKey> keys = owner.repositoryId() == null ? tx.serviceUsers().accessKeysOfProject(owner.projectId())
                    : tx.serviceUsers().accessKeysOfRepository(owner.repositoryId());
            return keys.stream().map(key -> new AccessKey(key, target, permissionOf(tx, owner, key))).toList();
        });
    }

    public AccessKey key(Caller caller, Target target, long keyId) {
        AccessRules.requireWholeAccount(caller, "read access keys");
        return store.inTransaction(tx -> {
            Owner owner = ProjectTokenService.administered(tx, caller, target);
            SshKey key = keyOf(tx, owner, keyId);
            return new AccessKey(key, target, permissionOf(tx, owner, key));
        });
    }

    /** Changes what a key may do; mirrors forget what they remembered of it. */
    public AccessKey changePermission(Caller caller, Target target, long keyId, Permission permission) {
        AccessRules.requireWholeAccount(caller, "change access keys");
        Permission granted = checkPermission(target, permission);
        return store.inTransaction(tx -> {
            Owner owner = ProjectTokenService.administered(tx, caller, target);
            SshKey key = keyOf(tx, owner, keyId);
            User service = tx.users().findById(key.userId()).orElseThrow();
            grant(tx, owner, service, granted);
            tx.audit().record(clock.instant(), caller.toString(), AuditAction.SSH_KEY_ADD, null, null,
                    "access key " + key.id() + " (" + key.fingerprint() + ") of " + target + " now " + granted);
            tx.events().append(EventType.PERMISSIONS_CHANGED, null, EventPayloads.accountChanged(service.name()),
                    clock.instant());
            return new AccessKey(key, target, granted);
        });
    }

    /** Revokes a key at once, with the service user it acted as and that user's grant. */
    public void revoke(Caller caller, Target target, long keyId) {
        AccessRules.requireWholeAccount(caller, "revoke access keys");
        store.useTransaction(tx -> {
            Owner owner = ProjectTokenService.administered(tx, caller, target);
            SshKey key = keyOf(tx, owner, keyId);
            Username service = tx.users().findById(key.userId()).map(User::name).orElseThrow();
            tx.users().delete(key.userId());
            tx.audit().record(clock.instant(), caller.toString(), AuditAction.SSH_KEY_DELETE, null, null,
                    "access key " + key.id() + " (" + key.fingerprint() + ") of " + target);
            tx.events().append(EventType.PERMISSIONS_CHANGED, null, EventPayloads.accountChanged(service),
                    clock.instant());
        });
    }

    /** The name of the service user an access key acts as: what a push made with it is recorded as. */
    public static Username serviceName(String id) {
        return Username.of("access-key-" + id);
    }

    private static SshKey keyOf(StoreTransaction tx, Owner owner, long keyId) {
        List<SshKey> keys = owner.repositoryId() == null ? tx.serviceUsers().accessKeysOfProject(owner.projectId())
                : tx.serviceUsers().accessKeysOfRepository(owner.repositoryId());
        return keys.stream().filter(key -> key.id() == keyId).findFirst().orElseThrow(() -> new NotFound("keyId",
                "The " + owner.target() + " has no access key " + keyId + "."));
    }

    private static Permission permissionOf(StoreTransaction tx, Owner owner, SshKey key) {
        return (owner.repositoryId() == null ? tx.grants().onProject(owner.projectId(), key.userId())
                : tx.grants().onRepository(owner.repositoryId(), key.userId())).orElseThrow();
    }

    private static void grant(StoreTransaction tx, Owner owner, User service, Permission permission) {
        if (owner.repositoryId() == null) {
            tx.grants().grantOnProject(owner.projectId(), service.id(), permission);
        } else {
            tx.grants().grantOnRepository(owner.repositoryId(), service.id(), permission);
        }
    }

    private static Permission readOf(Target target) {
        return target.isRepository() ? Permission.REPO_READ : Permission.PROJECT_READ;
    }

    /** Bitbucket's access keys read or write; administering a project or repository takes a person. */
    private static Permission checkPermission(Target target, Permission permission) {
        Set<Permission> allowed = target.isRepository() ? REPOSITORY_PERMISSIONS : PROJECT_PERMISSIONS;
        if (permission == null || !allowed.contains(permission)) {
            throw new InvalidInput("permission", "An access key of a " + (target.isRepository() ? "repository" : "project")
                    + " takes " + (target.isRepository() ? "REPO_READ or REPO_WRITE" : "PROJECT_READ or PROJECT_WRITE")
                    + "; " + permission + " is not one of them.");
        }
        return permission;
    }
}
