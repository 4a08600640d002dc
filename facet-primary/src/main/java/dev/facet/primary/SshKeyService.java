package dev.facet.primary;

import dev.facet.core.access.Caller;
import dev.facet.core.access.SshPublicKey;
import dev.facet.core.access.TokenScope;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.NotFound;
import dev.facet.core.event.EventType;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.name.Username;
import dev.facet.core.store.SshKey;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.store.User;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Users' SSH keys: each user manages their own, an administrator anyone's. Adding or removing a
 * key changes who can use Git as that user, so it takes the whole account (a token may not), it
 * is audited, and a removal is announced to mirrors like any other change of an account's access.
 */
public final class SshKeyService {
    private static final int MAX_LABEL = 255;

    private final Store store;
    private final Clock clock;

    public SshKeyService(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * @param owner the user to add the key for; null for the caller
     * @throws dev.facet.core.error.InvalidInput  when the text is not a key Facet accepts (too weak, not a key)
     * @throws dev.facet.core.error.AlreadyExists when the key is already registered, to this user or another
     */
    public SshKey add(Caller caller, Username owner, String text, String label) {
        AccessRules.requireWholeAccount(caller, "add SSH keys");
        SshPublicKey key = SshPublicKey.parse(text);
        String name = label == null || label.isBlank() ? commentOf(key) : ProjectService.requireText("label",
                "A key label", label, MAX_LABEL);
        return store.inTransaction(tx -> {
            User user = UserService.ownOrChangeable(tx, caller, ownerOrSelf(caller, owner));
            SshKey added = tx.sshKeys().create(user.id(), key, name, clock.instant());
            tx.audit().record(clock.instant(), caller.toString(), AuditAction.SSH_KEY_ADD, null, null,
                    "SSH key " + added.id() + " (" + key.algorithmType() + " " + key.fingerprint() + ") of "
                            + user.name());
            return added;
        });
    }

    /** A user's keys, oldest first: the caller's own (null owner), or anyone's for an administrator. */
    public List<SshKey> keys(Caller caller, Username owner) {
        return store.inTransaction(tx -> tx.sshKeys().listForUser(
                UserService.ownOrAdministered(tx, caller, ownerOrSelf(caller, owner)).id()));
    }

    /** One key: the caller's own, or anyone's for an administrator; others are told it does not exist. */
    public SshKey key(Caller caller, long keyId) {
        return store.inTransaction(tx -> visibleKey(tx, caller, keyId));
    }

    public void delete(Caller caller, long keyId) {
        AccessRules.requireWholeAccount(caller, "remove SSH keys");
        store.useTransaction(tx -> {
            SshKey key = visibleKey(tx, caller, keyId);
            tx.sshKeys().delete(key.id());
            removed(tx, caller, key.userId(), "SSH key " + key.id() + " (" + key.fingerprint() + ")");
        });
    }

    /** Removes every key of a user: the caller's own (null owner), or anyone's for an administrator. */
    public void deleteAll(Caller caller, Username owner) {
        AccessRules.requireWholeAccount(caller, "remove SSH keys");
        store.useTransaction(tx -> {
            User user = UserService.ownOrAdministered(tx, caller, ownerOrSelf(caller, owner));
            if (tx.sshKeys().deleteForUser(user.id()) > 0) {
                removed(tx, caller, user.id(), "every SSH key");
            }
        });
    }

    /**
     * The user a key offered at an SSH login belongs to, as a caller with their whole account's Git
     * access; empty for a key nobody registered or an account that is switched off.
     */
    public Optional<Caller> callerOf(String fingerprint) {
        return store.inTransaction(tx -> tx.sshKeys().findByFingerprint(fingerprint)
                .flatMap(key -> tx.users().findById(key.userId()))
                .filter(User::active)
                .map(user -> UserService.callerOf(tx, user, TokenScope.PASSWORD)));
    }

    private void removed(StoreTransaction tx, Caller caller, long userId, String what) {
        Username owner = tx.users().findById(userId).map(User::name).orElse(null);
        tx.audit().record(clock.instant(), caller.toString(), AuditAction.SSH_KEY_DELETE, null, null,
                what + " of " + owner);
        if (owner != null) {
            // A mirror that let this key in must ask again, as for any change to what an account may reach.
            tx.events().append(EventType.PERMISSIONS_CHANGED, null, EventPayloads.accountChanged(owner),
                    clock.instant());
        }
    }

    private static SshKey visibleKey(StoreTransaction tx, Caller caller, long keyId) {
        if (caller.isAnonymous()) {
            throw new AuthenticationRequired("Authentication required.");
        }
        NotFound missing = new NotFound("keyId", "SSH key " + keyId + " does not exist.");
        SshKey key = tx.sshKeys().find(keyId).orElseThrow(() -> missing);
        if (caller.isUser() && key.userId() == caller.userId()) {
            return key;
        }
        if (!caller.isAdmin()) {
            throw missing;
        }
        return key;
    }

    private static Username ownerOrSelf(Caller caller, Username owner) {
        if (owner != null) {
            return owner;
        }
        if (!caller.isUser()) {
            throw new AuthenticationRequired("Authentication required.");
        }
        return caller.name();
    }

    /** OpenSSH's comment (often user@host) names a key well when its owner gives no label. */
    private static String commentOf(SshPublicKey key) {
        String[] words = key.text().split(" ", 3);
        return words.length == 3 ? words[2].substring(0, Math.min(words[2].length(), MAX_LABEL)) : null;
    }
}
