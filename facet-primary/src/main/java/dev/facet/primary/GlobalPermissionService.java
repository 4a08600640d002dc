package dev.facet.primary;

import dev.facet.core.access.Caller;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.error.Conflict;
import dev.facet.core.event.EventType;
import dev.facet.core.mirror.AuditAction;
import dev.facet.core.name.GroupName;
import dev.facet.core.name.Username;
import dev.facet.core.store.Group;
import dev.facet.core.store.Store;
import dev.facet.core.store.User;
import java.time.Clock;
import java.util.List;

/**
 * Global permissions, as Bitbucket names them (LICENSED_USER, PROJECT_CREATE, ADMIN, SYS_ADMIN), of users and
 * groups. An administrator grants at most their own permission and changes nobody who holds more; nobody lowers
 * their own. Every user holds LICENSED_USER: revoking a user's global permissions brings them back to it (an
 * account is switched off by disabling it), while a group's are taken away entirely.
 */
public final class GlobalPermissionService {
    private final Store store;
    private final Clock clock;

    public GlobalPermissionService(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Users by name with the global permission each holds in their own right. */
    public Page<User> users(Caller caller, String filter, int start, int limit) {
        AccessRules.requireAdmin(caller);
        return store.inTransaction(tx -> Page.of(tx.users().list(filter, start, limit + 1), start, limit));
    }

    /** Groups by name that hold a global permission (or, with {@code withRole} false, that hold none). */
    public Page<Group> groups(Caller caller, String filter, boolean withRole, int start, int limit) {
        AccessRules.requireAdmin(caller);
        return store.inTransaction(tx -> Page.of(tx.groups().list(filter, withRole, start, limit + 1), start, limit));
    }

    public void setForUsers(Caller caller, List<Username> names, GlobalRole role) {
        requireMayGrant(caller, role);
        store.useTransaction(tx -> {
            for (Username name : names) {
                User user = UserService.administered(tx, caller, name);
                if (user.id() == caller.userId() && !role.includes(user.role())) {
                    throw new Conflict("name", "You cannot lower your own global permission.");
                }
                tx.users().setRole(user.id(), role);
                tx.audit().record(clock.instant(), caller.toString(), AuditAction.GLOBAL_PERMISSION, null, null,
                        "user " + name + ": " + role.permissionName());
                tx.events().append(EventType.PERMISSIONS_CHANGED, null, EventPayloads.accountChanged(name),
                        clock.instant());
            }
        });
    }

    public void revokeForUser(Caller caller, Username name) {
        setForUsers(caller, List.of(name), GlobalRole.USER);
    }

    public void setForGroups(Caller caller, List<GroupName> names, GlobalRole role) {
        requireMayGrant(caller, role);
        store.useTransaction(tx -> {
            for (GroupName name : names) {
                Group group = GroupService.administered(tx, caller, name);
                lowerOnlyOthers(tx, caller, group, role);
                tx.groups().setRole(group.id(), role);
                tx.audit().record(clock.instant(), caller.toString(), AuditAction.GLOBAL_PERMISSION, null, null,
                        "group " + name + ": " + (role == null ? "none" : role.permissionName()));
                tx.events().append(EventType.PERMISSIONS_CHANGED, null, EventPayloads.groupChanged(name),
                        clock.instant());
            }
        });
    }

    public void revokeForGroup(Caller caller, GroupName name) {
        setForGroups(caller, List.of(name), null);
    }

    private static void requireMayGrant(Caller caller, GlobalRole role) {
        AccessRules.requireAdmin(caller);
        if (role != null && !caller.role().includes(role)) {
            throw AccessRules.denied(caller, "You may grant at most your own global permission ("
                    + caller.role().permissionName() + "), not " + role.permissionName() + ".");
        }
    }

    private static void lowerOnlyOthers(dev.facet.core.store.StoreTransaction tx, Caller caller, Group group,
                                        GlobalRole role) {
        boolean lowers = group.role() != null && (role == null || !role.includes(group.role()));
        if (lowers && tx.groups().isMember(group.id(), caller.userId()) && !GroupService.keepsRoleWithout(tx, caller, group)) {
            throw new Conflict("name", "Lowering group '" + group.name() + "' would lower your own global permission.");
        }
    }
}
