package dev.facet.web;

import dev.facet.core.access.Caller;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.access.Permission;
import dev.facet.core.error.FacetException;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.Username;
import dev.facet.primary.PermissionService;
import dev.facet.primary.ProjectService;
import dev.facet.primary.UserService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Enough user administration for a browser: create a user, grant a project permission, create one's own access token. */
final class UserPages {
    private static final String PAGE = "/admin/users";
    private static final List<String> PROJECT_PERMISSIONS = List.of("PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN");
    private static final List<String> TOKEN_PERMISSIONS = Arrays.stream(Permission.values()).map(Enum::name).toList();

    private final UserService users;
    private final PermissionService permissions;
    private final ProjectService projects;
    private final PageAccess access;

    UserPages(UserService users, PermissionService permissions, ProjectService projects, PageAccess access) {
        this.users = users;
        this.projects = projects;
        this.permissions = permissions;
        this.access = access;
    }

    /** One form's outcome: what was done, or the errors by field, with the values to show again. */
    private static final class Form {
        final Map<String, String> values = new LinkedHashMap<>();
        final Map<String, String> errors = new HashMap<>();
        String done;
        String token;

        /** The value {@code parse} makes of a field, or null with the parser's complaint next to the field. */
        <T> T parsed(String field, java.util.function.Supplier<T> parse) {
            if (errors.containsKey(field)) {
                return null;
            }
            try {
                return parse.get();
            } catch (FacetException e) {
                errors.put(field, e.getMessage());
                return null;
            }
        }

        String required(Context ctx, String field, String label) {
            String value = ctx.formParam(field) == null ? "" : ctx.formParam(field).strip();
            values.put(field, field.endsWith("password") ? "" : value);
            if (value.isEmpty()) {
                errors.put(field, label + " is required.");
            }
            return value;
        }
    }

    private interface FormAction {
        void run(Caller caller, Context ctx, Form form);
    }

    void register(RoutesConfig routes) {
        routes.get(PAGE, ctx -> access.admin(ctx, PAGE).ifPresent(caller -> render(ctx, 200, new Form())));
        post(routes, PAGE + "/create-user", "user.name", (caller, ctx, form) -> {
            String name = form.required(ctx, "user.name", "A username");
            String password = form.required(ctx, "user.password", "A password");
            Username username = form.parsed("user.name", () -> Username.of(name));
            String displayName = ctx.formParam("user.displayName") == null ? "" : ctx.formParam("user.displayName").strip();
            form.values.put("user.displayName", displayName);
            if (form.errors.isEmpty()) {
                users.createUser(caller, username, password, displayName.isEmpty() ? name : displayName, null,
                        GlobalRole.USER);
                form.done = "User " + name + " created.";
            }
        });
        post(routes, PAGE + "/grant", "grant.user", (caller, ctx, form) -> {
            String user = form.required(ctx, "grant.user", "A username");
            String project = form.required(ctx, "grant.project", "A project key");
            String permission = form.required(ctx, "grant.permission", "A permission");
            if (!form.errors.containsKey("grant.permission") && !PROJECT_PERMISSIONS.contains(permission)) {
                form.errors.put("grant.permission", "Choose one of " + String.join(", ", PROJECT_PERMISSIONS) + ".");
            }
            Username username = form.parsed("grant.user", () -> Username.of(user));
            if (username != null && users.user(username).isEmpty()) {
                form.errors.put("grant.user", "User '" + user + "' does not exist.");
            }
            ProjectKey key = form.parsed("grant.project", () -> projects.project(caller, ProjectKey.of(project)).key());
            if (form.errors.isEmpty()) {
                permissions.grantOnProject(caller, key, username, Permission.valueOf(permission));
                form.done = user + " has " + permission + " on " + key.value() + ".";
            }
        });
        post(routes, PAGE + "/token", "token.user", (caller, ctx, form) -> {
            String user = form.required(ctx, "token.user", "A username");
            String name = form.required(ctx, "token.name", "A token name");
            Username owner = form.parsed("token.user", () -> Username.of(user));
            if (owner != null && users.user(owner).isEmpty()) {
                form.errors.put("token.user", "User '" + user + "' does not exist.");
            }
            Set<Permission> chosen = EnumSet.noneOf(Permission.class);
            for (String permission : ctx.formParams("token.permissions")) {
                if (TOKEN_PERMISSIONS.contains(permission)) {
                    chosen.add(Permission.valueOf(permission));
                }
            }
            if (chosen.isEmpty()) {
                form.errors.put("token.permissions", "Choose at least one permission, such as REPO_READ.");
            }
            if (form.errors.isEmpty()) {
                form.token = users.createToken(caller, owner, name, chosen).secret();
                form.done = "Token " + name + " created for " + user + ". Copy it now: it is not shown again.";
            }
        });
    }

    /**
     * A form's route: its token checked, the action done; a domain error is shown next to the field it names
     * (or next to {@code firstField} when it names none of this form's).
     */
    private void post(RoutesConfig routes, String path, String firstField, FormAction action) {
        routes.post(path, ctx -> {
            if (access.csrfRefused(ctx)) {
                return;
            }
            access.admin(ctx, PAGE).ifPresent(caller -> {
                Form form = new Form();
                try {
                    action.run(caller, ctx, form);
                } catch (FacetException e) {
                    String prefix = firstField.substring(0, firstField.indexOf('.') + 1);
                    String field = e.context() != null && form.values.containsKey(prefix + e.context())
                            ? prefix + e.context() : firstField;
                    form.errors.put(field, e.getMessage());
                    render(ctx, ErrorMapping.status(e), form);
                    return;
                }
                render(ctx, form.errors.isEmpty() ? 200 : 400, form);
            });
        });
    }

    private void render(Context ctx, int status, Form form) {
        // Tokens are minted by their owner only (UserService decides), so the form starts with the viewer's name.
        form.values.putIfAbsent("token.user", access.viewer(ctx).name().value());
        ctx.status(status);
        Pages.render(ctx, "users.jte", new PageModels.UsersPage(access.frame(ctx, "Users and permissions"),
                form.values, form.errors, form.done, form.token, PROJECT_PERMISSIONS, TOKEN_PERMISSIONS));
    }
}
