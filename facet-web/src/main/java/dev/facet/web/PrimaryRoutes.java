package dev.facet.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.access.Caller;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.access.Permission;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositoryName;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.name.Username;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.primary.Page;
import dev.facet.primary.PermissionService;
import dev.facet.primary.ProjectService;
import dev.facet.primary.UserService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** Every REST route of the primary, declared in one place; each handler reads its input and calls a service. */
final class PrimaryRoutes {
    private static final String CALLER = "facet.caller";
    private static final String API = "/rest/api/1.0";
    private static final String TOKENS = "/rest/access-tokens/1.0/users";

    private final ProjectService projects;
    private final PermissionService permissions;
    private final UserService users;
    private final RequestAuthentication authentication;
    private final FacetMetrics metrics;
    private final Supplier<String> baseUrl;
    private final ObjectMapper json;

    PrimaryRoutes(ProjectService projects, PermissionService permissions, UserService users,
                  RequestAuthentication authentication, FacetMetrics metrics, Supplier<String> baseUrl,
                  ObjectMapper json) {
        this.json = json;
        this.projects = projects;
        this.permissions = permissions;
        this.users = users;
        this.authentication = authentication;
        this.metrics = metrics;
        this.baseUrl = baseUrl;
    }

    void register(RoutesConfig routes) {
        routes.before("/rest/*", ctx -> {
            if (!MirroringRoutes.isSignedByMirror(ctx.path(), ctx.header("Authorization"))) {
                ctx.attribute(CALLER, authentication.caller(ctx.header("Authorization"), ctx.ip()));
            }
        });

        routes.get("/status", ctx -> ctx.json(new RestJson.Status("RUNNING")));
        routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));

        routes.get(API + "/projects", ctx -> ctx.json(RestJson.Paged.of(
                projects.listProjects(caller(ctx), start(ctx), limit(ctx)), p -> RestJson.ProjectJson.of(p, baseUrl.get()))));
        routes.post(API + "/projects", ctx -> {
            RestJson.CreateProject body = body(ctx, RestJson.CreateProject.class);
            var project = projects.createProject(caller(ctx), ProjectKey.of(body.key()),
                    body.name() == null ? body.key() : body.name(), body.description(), Boolean.TRUE.equals(body.isPublic()));
            ctx.status(201).json(RestJson.ProjectJson.of(project, baseUrl.get()));
        });
        routes.get(API + "/projects/{key}", ctx ->
                ctx.json(RestJson.ProjectJson.of(projects.project(caller(ctx), projectKey(ctx)), baseUrl.get())));
        routes.delete(API + "/projects/{key}", ctx -> {
            projects.deleteProject(caller(ctx), projectKey(ctx));
            ctx.status(204);
        });

        routes.get(API + "/projects/{key}/repos", ctx -> ctx.json(RestJson.Paged.of(
                projects.listRepositories(caller(ctx), projectKey(ctx), start(ctx), limit(ctx)), this::repositoryJson)));
        routes.post(API + "/projects/{key}/repos", ctx -> {
            RestJson.CreateRepository body = body(ctx, RestJson.CreateRepository.class);
            RepositoryRecord created = projects.createRepository(caller(ctx), projectKey(ctx),
                    new RepositoryName(body.name()), Boolean.TRUE.equals(body.isPublic()));
            ctx.status(201).json(repositoryJson(created));
        });
        routes.get(API + "/projects/{key}/repos/{slug}", ctx ->
                ctx.json(repositoryJson(projects.repository(caller(ctx), projectKey(ctx), slug(ctx)))));
        routes.put(API + "/projects/{key}/repos/{slug}", ctx -> {
            RestJson.UpdateRepository body = body(ctx, RestJson.UpdateRepository.class);
            RepositoryRecord repository = projects.repository(caller(ctx), projectKey(ctx), slug(ctx));
            if (body.name() != null) {
                repository = projects.renameRepository(caller(ctx), projectKey(ctx), repository.slug(),
                        new RepositoryName(body.name()));
            }
            if (body.isPublic() != null) {
                repository = projects.setRepositoryPublic(caller(ctx), projectKey(ctx), repository.slug(), body.isPublic());
            }
            ctx.json(repositoryJson(repository));
        });
        routes.delete(API + "/projects/{key}/repos/{slug}", ctx -> {
            projects.deleteRepository(caller(ctx), projectKey(ctx), slug(ctx));
            ctx.status(202);
        });

        routes.put(API + "/projects/{key}/permissions/users", ctx -> {
            permissions.grantOnProject(caller(ctx), projectKey(ctx), username(ctx),
                    Permission.parse("permission", ctx.queryParam("permission"), Permission.Scope.PROJECT));
            ctx.status(204);
        });
        routes.delete(API + "/projects/{key}/permissions/users", ctx -> {
            permissions.revokeOnProject(caller(ctx), projectKey(ctx), username(ctx));
            ctx.status(204);
        });
        routes.put(API + "/projects/{key}/repos/{slug}/permissions/users", ctx -> {
            permissions.grantOnRepository(caller(ctx), projectKey(ctx), slug(ctx), username(ctx),
                    Permission.parse("permission", ctx.queryParam("permission"), Permission.Scope.REPOSITORY));
            ctx.status(204);
        });
        routes.delete(API + "/projects/{key}/repos/{slug}/permissions/users", ctx -> {
            permissions.revokeOnRepository(caller(ctx), projectKey(ctx), slug(ctx), username(ctx));
            ctx.status(204);
        });

        routes.post(API + "/admin/users", ctx -> {
            RestJson.CreateUser body = body(ctx, RestJson.CreateUser.class);
            GlobalRole role = body.role() == null ? GlobalRole.USER : GlobalRole.parse("role", body.role());
            var user = users.createUser(caller(ctx), Username.of(body.name()), body.password(), body.displayName(),
                    body.emailAddress(), role);
            ctx.status(201).json(RestJson.UserJson.of(user));
        });
        routes.put("/rest/access-tokens/1.0/users/{name}", ctx -> {
            RestJson.CreateToken body = body(ctx, RestJson.CreateToken.class);
            Set<Permission> granted = EnumSet.noneOf(Permission.class);
            if (body.permissions() != null) {
                body.permissions().forEach(p -> granted.add(Permission.parseAny("permissions", p)));
            }
            var created = users.createToken(caller(ctx), Username.of(ctx.pathParam("name")), body.name(), granted,
                    body.expiryDays());
            ctx.status(201).json(RestJson.TokenJson.of(created.token(), created.secret()));
        });
        registerAccounts(routes);
    }

    /** Tokens listed and revoked, passwords changed, users listed, disabled and deleted: Bitbucket's paths and shapes. */
    private void registerAccounts(RoutesConfig routes) {
        routes.get(TOKENS + "/{name}", ctx -> {
            List<RestJson.TokenListJson> tokens = users.tokens(caller(ctx), Username.of(ctx.pathParam("name"))).stream()
                    .map(RestJson.TokenListJson::of).toList();
            ctx.json(new RestJson.Paged<>(tokens, tokens.size(), 0, tokens.size(), true, null));
        });
        routes.delete(TOKENS + "/{name}/{tokenId}", ctx -> {
            users.revokeToken(caller(ctx), Username.of(ctx.pathParam("name")), ctx.pathParam("tokenId"));
            ctx.status(204);
        });
        routes.put(API + "/users/credentials", ctx -> {
            RestJson.OwnPasswordChange body = body(ctx, RestJson.OwnPasswordChange.class);
            users.changeOwnPassword(caller(ctx), body.oldPassword(), body.password(), body.passwordConfirm(), ctx.ip());
            ctx.status(204);
        });
        routes.put(API + "/admin/users/credentials", ctx -> {
            RestJson.AdminPasswordChange body = body(ctx, RestJson.AdminPasswordChange.class);
            users.changePassword(caller(ctx), requiredName(body.name()), body.password(), body.passwordConfirm());
            ctx.status(204);
        });
        routes.get(API + "/admin/users", ctx -> ctx.json(RestJson.Paged.of(
                users.users(caller(ctx), start(ctx), limit(ctx)), RestJson.UserJson::of)));
        routes.put(API + "/admin/users", ctx -> {
            RestJson.UpdateUser body = body(ctx, RestJson.UpdateUser.class);
            Username name = requiredName(body.name());
            if (body.active() == null) {
                throw new InvalidInput("active", "Say what to change: {\"name\": \"…\", \"active\": false} disables "
                        + "the user, true enables them again.");
            }
            users.setActive(caller(ctx), name, body.active());
            ctx.json(RestJson.UserJson.of(users.user(name).orElseThrow()));
        });
        routes.delete(API + "/admin/users", ctx -> {
            Username name = username(ctx);
            var user = users.user(name);
            users.deleteUser(caller(ctx), name);
            ctx.json(RestJson.UserJson.of(user.orElseThrow()));
        });
    }

    private static Username requiredName(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidInput("name", "The field 'name' (a user name) is required.");
        }
        return Username.of(name);
    }

    private RestJson.RepositoryJson repositoryJson(RepositoryRecord repository) {
        return RestJson.RepositoryJson.of(repository, baseUrl.get());
    }

    static Caller caller(Context ctx) {
        Caller caller = ctx.attribute(CALLER);
        return caller == null ? Caller.ANONYMOUS : caller;
    }

    private static ProjectKey projectKey(Context ctx) {
        return ProjectKey.of(ctx.pathParam("key"));
    }

    private static RepositorySlug slug(Context ctx) {
        return RepositorySlug.of(ctx.pathParam("slug"));
    }

    private static Username username(Context ctx) {
        String name = ctx.queryParam("name");
        if (name == null || name.isBlank()) {
            throw new InvalidInput("name", "The query parameter 'name' (a user name) is required.");
        }
        return Username.of(name);
    }

    private <T> T body(Context ctx, Class<T> type) throws JsonProcessingException {
        return body(json, ctx, type);
    }

    static <T> T body(ObjectMapper json, Context ctx, Class<T> type) throws JsonProcessingException {
        if (ctx.body().isBlank()) {
            throw new InvalidInput(null, "The request needs a JSON body.");
        }
        T body = json.readValue(ctx.body(), type);
        if (body == null) {
            throw new InvalidInput(null, "The request body must be a JSON object.");
        }
        return body;
    }

    static int start(Context ctx) {
        return (int) QueryParameters.wholeNumber(ctx, "start", 0, 0, Integer.MAX_VALUE);
    }

    static int limit(Context ctx) {
        return (int) QueryParameters.wholeNumber(ctx, "limit", Page.DEFAULT_LIMIT, 1, Page.MAX_LIMIT);
    }

}
