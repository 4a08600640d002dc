package dev.facet.web;

import static dev.facet.web.PrimaryRoutes.API;
import static dev.facet.web.PrimaryRoutes.REPOSITORY;
import static dev.facet.web.PrimaryRoutes.caller;
import static dev.facet.web.PrimaryRoutes.limit;
import static dev.facet.web.PrimaryRoutes.projectKey;
import static dev.facet.web.PrimaryRoutes.slug;
import static dev.facet.web.PrimaryRoutes.start;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.access.Permission;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.name.GroupName;
import dev.facet.core.name.Username;
import dev.facet.primary.GlobalPermissionService;
import dev.facet.primary.GroupService;
import dev.facet.primary.Page;
import dev.facet.primary.PermissionService;
import dev.facet.primary.UserService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * Users looked up, groups and their members, global permissions, and every project and repository permission
 * read back: Bitbucket's paths, parameters and shapes, so that Terraform can read right after it writes.
 */
final class PermissionRoutes {
    private static final String GROUPS = API + "/admin/groups";
    private static final String GLOBAL = API + "/admin/permissions";

    private final PermissionService permissions;
    private final UserService users;
    private final GroupService groups;
    private final GlobalPermissionService globalPermissions;
    private final ObjectMapper json;

    PermissionRoutes(PermissionService permissions, UserService users, GroupService groups,
                     GlobalPermissionService globalPermissions, ObjectMapper json) {
        this.permissions = permissions;
        this.users = users;
        this.groups = groups;
        this.globalPermissions = globalPermissions;
        this.json = json;
    }

    void register(RoutesConfig routes) {
        routes.get(API + "/users", ctx -> {
            for (String parameter : List.of("permission", "permission.1", "permission.2")) {
                String value = ctx.queryParam(parameter);
                if (value != null && !value.isBlank()) {
                    throw new InvalidInput(parameter, "Facet cannot honour '" + parameter + "': it does not search "
                            + "users by permission; read …/permissions/users on the project or repository instead.");
                }
            }
            String group = ctx.queryParam("group");
            ctx.json(RestJson.Paged.of(group == null || group.isBlank()
                    ? users.findUsers(caller(ctx), ctx.queryParam("filter"), start(ctx), limit(ctx))
                    : groups.members(caller(ctx), group("group", group), true, ctx.queryParam("filter"), start(ctx),
                    limit(ctx)), RestJson.UserJson::of));
        });
        routes.get(API + "/users/{userSlug}", ctx -> ctx.json(RestJson.UserJson.of(
                users.findUser(caller(ctx), Username.of(ctx.pathParam("userSlug"))))));
        registerGroups(routes);
        registerGlobal(routes);
        registerProjectAndRepository(routes);
    }

    private void registerGroups(RoutesConfig routes) {
        routes.get(GROUPS, ctx -> ctx.json(RestJson.Paged.of(
                groups.groups(caller(ctx), ctx.queryParam("filter"), start(ctx), limit(ctx)), RestJson.GroupJson::of)));
        routes.get(API + "/groups", ctx -> ctx.json(RestJson.Paged.of(
                groups.groups(caller(ctx), ctx.queryParam("filter"), start(ctx), limit(ctx)), g -> g.name().value())));
        routes.post(GROUPS, ctx -> ctx.json(RestJson.GroupJson.of(groups.create(caller(ctx), groupName(ctx)))));
        routes.delete(GROUPS, ctx -> ctx.json(RestJson.GroupJson.of(groups.delete(caller(ctx), groupName(ctx)))));

        // In the groups/… forms the context is the group and the item the user; in users/… the other way round.
        routes.post(GROUPS + "/add-user", ctx -> {
            RestJson.PickerContext body = body(ctx, RestJson.PickerContext.class);
            groups.addMembers(caller(ctx), group("context", body.context()), List.of(user("itemName", body.itemName())));
        });
        routes.post(GROUPS + "/add-users", ctx -> {
            RestJson.GroupAndUsers body = body(ctx, RestJson.GroupAndUsers.class);
            groups.addMembers(caller(ctx), group("group", body.group()), names("users", body.users()).stream()
                    .map(name -> user("users", name)).toList());
        });
        routes.post(GROUPS + "/remove-user", ctx -> {
            RestJson.PickerContext body = body(ctx, RestJson.PickerContext.class);
            groups.removeMember(caller(ctx), group("context", body.context()), user("itemName", body.itemName()));
        });
        routes.post(API + "/admin/users/add-group", ctx -> {
            RestJson.PickerContext body = body(ctx, RestJson.PickerContext.class);
            groups.addMembers(caller(ctx), group("itemName", body.itemName()), List.of(user("context", body.context())));
        });
        routes.post(API + "/admin/users/add-groups", ctx -> {
            RestJson.UserAndGroups body = body(ctx, RestJson.UserAndGroups.class);
            Username user = user("user", body.user());
            for (String name : names("groups", body.groups())) {
                groups.addMembers(caller(ctx), group("groups", name), List.of(user));
            }
        });
        routes.post(API + "/admin/users/remove-group", ctx -> {
            RestJson.PickerContext body = body(ctx, RestJson.PickerContext.class);
            groups.removeMember(caller(ctx), group("itemName", body.itemName()), user("context", body.context()));
        });

        routes.get(GROUPS + "/more-members", ctx -> ctx.json(RestJson.Paged.of(groups.members(caller(ctx),
                group("context", ctx.queryParam("context")), true, ctx.queryParam("filter"), start(ctx), limit(ctx)),
                RestJson.UserJson::of)));
        routes.get(GROUPS + "/more-non-members", ctx -> ctx.json(RestJson.Paged.of(groups.members(caller(ctx),
                group("context", ctx.queryParam("context")), false, ctx.queryParam("filter"), start(ctx), limit(ctx)),
                RestJson.UserJson::of)));
        routes.get(API + "/admin/users/more-members", ctx -> ctx.json(RestJson.Paged.of(groups.groupsOf(caller(ctx),
                user("context", ctx.queryParam("context")), true, ctx.queryParam("filter"), start(ctx), limit(ctx)),
                RestJson.GroupJson::of)));
        routes.get(API + "/admin/users/more-non-members", ctx -> ctx.json(RestJson.Paged.of(groups.groupsOf(
                caller(ctx), user("context", ctx.queryParam("context")), false, ctx.queryParam("filter"), start(ctx),
                limit(ctx)), RestJson.GroupJson::of)));
    }

    /** Global permissions: every user holds one (LICENSED_USER at least), so the {@code none} list of users is empty. */
    private void registerGlobal(RoutesConfig routes) {
        routes.get(GLOBAL + "/users", ctx -> ctx.json(RestJson.Paged.of(globalPermissions.users(caller(ctx),
                ctx.queryParam("filter"), start(ctx), limit(ctx)), RestJson.PermittedUserJson::global)));
        routes.get(GLOBAL + "/users/none", ctx -> {
            globalPermissions.users(caller(ctx), null, 0, 1);
            ctx.json(RestJson.Paged.of(new Page<>(List.of(), start(ctx), limit(ctx), true), RestJson.UserJson::of));
        });
        routes.put(GLOBAL + "/users", ctx -> {
            globalPermissions.setForUsers(caller(ctx), userNames(ctx), globalPermission(ctx));
            ctx.status(204);
        });
        routes.delete(GLOBAL + "/users", ctx -> {
            globalPermissions.revokeForUser(caller(ctx), PrimaryRoutes.username(ctx));
            ctx.status(204);
        });
        routes.get(GLOBAL + "/groups", ctx -> ctx.json(RestJson.Paged.of(globalPermissions.groups(caller(ctx),
                ctx.queryParam("filter"), true, start(ctx), limit(ctx)), RestJson.PermittedGroupJson::global)));
        routes.get(GLOBAL + "/groups/none", ctx -> ctx.json(RestJson.Paged.of(globalPermissions.groups(caller(ctx),
                ctx.queryParam("filter"), false, start(ctx), limit(ctx)), RestJson.GroupJson::of)));
        routes.put(GLOBAL + "/groups", ctx -> {
            globalPermissions.setForGroups(caller(ctx), groupNames(ctx), globalPermission(ctx));
            ctx.status(204);
        });
        routes.delete(GLOBAL + "/groups", ctx -> {
            globalPermissions.revokeForGroup(caller(ctx), groupName(ctx));
            ctx.status(204);
        });
    }

    /** What each user and group was granted on a project or repository, and grants to groups. */
    private void registerProjectAndRepository(RoutesConfig routes) {
        String project = API + "/projects/{key}/permissions";
        routes.get(project + "/users", ctx -> ctx.json(RestJson.Paged.of(permissions.usersOnProject(caller(ctx),
                projectKey(ctx), ctx.queryParam("filter"), start(ctx), limit(ctx)), RestJson.PermittedUserJson::of)));
        routes.get(project + "/groups", ctx -> ctx.json(RestJson.Paged.of(permissions.groupsOnProject(caller(ctx),
                projectKey(ctx), ctx.queryParam("filter"), start(ctx), limit(ctx)), RestJson.PermittedGroupJson::of)));
        routes.put(project + "/groups", ctx -> {
            Permission permission = Permission.parse("permission", ctx.queryParam("permission"), Permission.Scope.PROJECT);
            for (GroupName name : groupNames(ctx)) {
                permissions.grantGroupOnProject(caller(ctx), projectKey(ctx), name, permission);
            }
            ctx.status(204);
        });
        routes.delete(project + "/groups", ctx -> {
            permissions.revokeGroupOnProject(caller(ctx), projectKey(ctx), groupName(ctx));
            ctx.status(204);
        });

        String repository = REPOSITORY + "/permissions";
        routes.get(repository + "/users", ctx -> ctx.json(RestJson.Paged.of(permissions.usersOnRepository(caller(ctx),
                projectKey(ctx), slug(ctx), ctx.queryParam("filter"), start(ctx), limit(ctx)),
                RestJson.PermittedUserJson::of)));
        routes.get(repository + "/groups", ctx -> ctx.json(RestJson.Paged.of(permissions.groupsOnRepository(caller(ctx),
                projectKey(ctx), slug(ctx), ctx.queryParam("filter"), start(ctx), limit(ctx)),
                RestJson.PermittedGroupJson::of)));
        routes.put(repository + "/groups", ctx -> {
            Permission permission = Permission.parse("permission", ctx.queryParam("permission"),
                    Permission.Scope.REPOSITORY);
            for (GroupName name : groupNames(ctx)) {
                permissions.grantGroupOnRepository(caller(ctx), projectKey(ctx), slug(ctx), name, permission);
            }
            ctx.status(204);
        });
        routes.delete(repository + "/groups", ctx -> {
            permissions.revokeGroupOnRepository(caller(ctx), projectKey(ctx), slug(ctx), groupName(ctx));
            ctx.status(204);
        });
    }

    private <T> T body(Context ctx, Class<T> type) throws JsonProcessingException {
        return PrimaryRoutes.body(json, ctx, type);
    }

    private static GlobalRole globalPermission(Context ctx) {
        return GlobalRole.parsePermission("permission", ctx.queryParam("permission"));
    }

    /** The group in the {@code name} query parameter. */
    private static GroupName groupName(Context ctx) {
        return group("name", ctx.queryParam("name"));
    }

    /** Every {@code name} query parameter as a group: Bitbucket grants to several at once. */
    private static List<GroupName> groupNames(Context ctx) {
        return names("name", ctx.queryParams("name")).stream().map(name -> group("name", name)).toList();
    }

    private static List<Username> userNames(Context ctx) {
        return names("name", ctx.queryParams("name")).stream().map(name -> user("name", name)).toList();
    }

    private static List<String> names(String field, List<String> names) {
        if (names == null || names.isEmpty()) {
            throw new InvalidInput(field, "'" + field + "' must name at least one.");
        }
        return names;
    }

    private static GroupName group(String field, String name) {
        return named(field, "a group name", name, GroupName::of);
    }

    private static Username user(String field, String name) {
        return named(field, "a user name", name, Username::of);
    }

    /** A name from a body field or query parameter; a refusal names that field, not the value type's own. */
    private static <T> T named(String field, String what, String name, java.util.function.Function<String, T> parse) {
        if (name == null || name.isBlank()) {
            throw new InvalidInput(field, "'" + field + "' (" + what + ") is required.");
        }
        try {
            return parse.apply(name);
        } catch (InvalidInput e) {
            throw new InvalidInput(field, e.getMessage());
        }
    }
}
