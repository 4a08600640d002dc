package dev.facet.primary;

import dev.facet.core.access.Caller;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.error.Conflict;
import dev.facet.core.error.NotFound;
import dev.facet.core.event.EventType;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.name.GroupName;
import dev.facet.core.name.Username;
import dev.facet.core.store.Group;
import dev.facet.core.store.Store;
import dev.facet.core.store.StoreTransaction;
import dev.facet.core.store.User;
import java.time.Clock;
import java.util.List;

/**
 * Groups and who belongs to them. Administrators manage them; a group holding SYS_ADMIN, and its members, only
 * a system administrator, so that nobody lifts an account above their own role through a group. Every change
 * is announced in the outbox, so mirrors drop what they cached about who may do what, as for a user's grant.
 */
public final class GroupService {
    private final Store store;
    private final Clock clock;

    public GroupService(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Group create(Caller caller, GroupName name) {
        AccessRules.requireAdmin(caller);
        return store.inTransaction(tx -> {
            Group group = tx.groups().create(name);
            tx.audit().record(clock.instant(), caller.toString(), AuditAction.GROUP_CREATE, null, null, "group " + name);
            return group;
        });
    }

    /** Deletes the group, its memberships and every permission granted to it. */
    public Group delete(Caller caller, GroupName name) {
        AccessRules.requireAdmin(caller);
        return store.inTransaction(tx -> {
            Group group = administered(tx, caller, name);
            if (group.role() != null && group.role().isAdmin() && !keepsRoleWithout(tx, caller, group)) {
                throw new Conflict("name", "Deleting group '" + name + "' would take your own administration "
                        + "rights away; another administrator must do it.");
            }
            tx.groups().delete(group.id());
            announce(tx, caller, AuditAction.GROUP_DELETE, group.name(), "group " + name);
            return group;
        });
    }

    /** Groups by name, for anyone signed in (Bitbucket's group pickers). */
    public Page<Group> groups(Caller caller, String filter, int start, int limit) {
        AccessRules.requireSignedIn(caller);
        return store.inTransaction(tx -> Page.of(tx.groups().list(filter, null, start, limit + 1), start, limit));
    }

    public void addMembers(Caller caller, GroupName name, List<Username> users) {
        AccessRules.requireAdmin(caller);
        store.useTransaction(tx -> {
            Group group = administered(tx, caller, name);
            for (Username username : users) {
                User user = requireUser(tx, username);
                tx.groups().addMember(group.id(), user.id());
                tx.audit().record(clock.instant(), caller.toString(), AuditAction.GROUP_MEMBER_ADD, null, null,
                        "user " + username + " to group " + name);
            }
            announce(tx, group.name());
        });
    }

    public void removeMember(Caller caller, GroupName name, Username username) {
        AccessRules.requireAdmin(caller);
        store.useTransaction(tx -> {
            Group group = administered(tx, caller, name);
            User user = requireUser(tx, username);
            if (user.id() == caller.userId() && group.role() != null && group.role().isAdmin()
                    && !keepsRoleWithout(tx, caller, group)) {
                throw new Conflict("itemName", "Leaving group '" + name + "' would take your own administration "
                        + "rights away; another administrator must remove you.");
            }
            tx.groups().removeMember(group.id(), user.id());
            announce(tx, caller, AuditAction.GROUP_MEMBER_REMOVE, group.name(),
                    "user " + username + " from group " + name);
        });
    }

    /** A group's members, or (with {@code members} false) the users outside it, for anyone signed in. */
    public Page<User> members(Caller caller, GroupName name, boolean members, String filter, int start, int limit) {
        AccessRules.requireSignedIn(caller);
        return store.inTransaction(tx -> Page.of(tx.groups().members(requireGroup(tx, name).id(), members, filter,
                start, limit + 1), start, limit));
    }

    /** The groups a user belongs to, or (with {@code memberOf} false) those they do not, for anyone signed in. */
    public Page<Group> groupsOf(Caller caller, Username username, boolean memberOf, String filter, int start,
                                int limit) {
        AccessRules.requireSignedIn(caller);
        return store.inTransaction(tx -> Page.of(tx.groups().groupsOf(requireUser(tx, username).id(), memberOf,
                filter, start, limit + 1), start, limit));
    }

    /** A group the caller may change: one holding a role above the caller's only by someone who holds it. */
    static Group administered(StoreTransaction tx, Caller caller, GroupName name) {
        Group group = requireGroup(tx, name);
        if (group.role() != null && !caller.role().includes(group.role())) {
            throw AccessRules.denied(caller, "Group '" + name + "' holds " + group.role().permissionName()
                    + ", above your own global permission: only a user who holds it may change the group.");
        }
        return group;
    }

    /** Whether the caller would still be an administrator without their membership of {@code group}. */
    static boolean keepsRoleWithout(StoreTransaction tx, Caller caller, Group group) {
        User self = tx.users().findById(caller.userId()).orElseThrow();
        GlobalRole kept = self.role();
        int start = 0;
        while (true) {
            List<Group> mine = tx.groups().groupsOf(self.id(), true, null, start, 100);
            for (Group other : mine) {
                if (other.id() != group.id()) {
                    kept = GlobalRole.max(kept, other.role());
                }
            }
            if (mine.size() < 100) {
                return kept.includes(caller.role());
            }
            start += mine.size();
        }
    }

    static Group requireGroup(StoreTransaction tx, GroupName name) {
        return tx.groups().find(name).orElseThrow(() -> new NotFound("name", "Group '" + name + "' does not exist."));
    }

    static User requireUser(StoreTransaction tx, Username name) {
        return tx.users().find(name).orElseThrow(() -> new NotFound("name", "User '" + name + "' does not exist."));
    }

    private void announce(StoreTransaction tx, Caller caller, AuditAction action, GroupName group, String details) {
        tx.audit().record(clock.instant(), caller.toString(), action, null, null, details);
        announce(tx, group);
    }

    private void announce(StoreTransaction tx, GroupName group) {
        tx.events().append(EventType.PERMISSIONS_CHANGED, null, EventPayloads.groupChanged(group), clock.instant());
    }
}
