package dev.facet.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.access.AccessLevel;
import dev.facet.core.access.Caller;
import dev.facet.core.access.GlobalRole;
import dev.facet.core.access.Permission;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositoryName;
import dev.facet.core.name.RepositorySlug;
import dev.facet.core.name.Username;
import dev.facet.core.store.Project;
import dev.facet.core.store.RepositoryRecord;
import dev.facet.primary.GlobalPermissionService;
import dev.facet.primary.GroupService;
import dev.facet.primary.Page;
import dev.facet.primary.PermissionService;
import dev.facet.primary.ProjectService;
import dev.facet.primary.RefService;
import dev.facet.primary.RepositorySearch;
import dev.facet.primary.UserService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Every REST route of the primary, declared in one place; each handler reads its input and calls a service. */
final class PrimaryRoutes {
    private static final String CALLER = "facet.caller";
    static final String API = "/rest/api/latest";
    private static final String TOKENS = "/rest/access-tokens/latest/users";
    static final String REPOSITORY = API + "/projects/{key}/repos/{slug}";
    private static final String BRANCH_UTILS = "/rest/branch-utils/latest/projects/{key}/repos/{slug}/branches";
    private static final String GIT_TAGS = "/rest/git/latest/projects/{key}/repos/{slug}/tags";
    /** The Bitbucket Data Center release whose REST paths and shapes Facet follows (its OpenAPI spec). */
    static final String BITBUCKET_API_VERSION = "10.5.0";

    private final ProjectService projects;
    private final RefService refs;
    private final PermissionService permissions;
    private final UserService users;
    private final RequestAuthentication authentication;
    private final FacetMetrics metrics;
    private final Supplier<String> baseUrl;
    private final Supplier<java.util.Optional<String>> sshBaseUrl;
    private final ObjectMapper json;
    private final java.util.function.LongFunction<dev.facet.core.lfs.LfsUsage> lfsUsage;
    private final PermissionRoutes permissionRoutes;

    PrimaryRoutes(ProjectService projects, RefService refs, PermissionService permissions, UserService users,
                  GroupService groups, GlobalPermissionService globalPermissions,
                  RequestAuthentication authentication, FacetMetrics metrics, Supplier<String> baseUrl,
                  Supplier<java.util.Optional<String>> sshBaseUrl,
                  java.util.function.LongFunction<dev.facet.core.lfs.LfsUsage> lfsUsage, ObjectMapper json) {
        this.json = json;
        this.lfsUsage = lfsUsage;
        this.permissionRoutes = new PermissionRoutes(permissions, users, groups, globalPermissions, json);
        this.projects = projects;
        this.refs = refs;
        this.permissions = permissions;
        this.users = users;
        this.authentication = authentication;
        this.metrics = metrics;
        this.baseUrl = baseUrl;
        this.sshBaseUrl = sshBaseUrl;
    }

    void register(RoutesConfig routes) {
        routes.before("/rest/*", ctx -> {
            // The body is read before the credentials are checked: Jetty measures a request's upload rate from its
            // start, and a password check is slow on purpose, which would count against a client that was not.
            // A push a mirror forwards is the exception: as large as a push may be, it is streamed to disk as it comes.
            if (!ctx.path().startsWith(MirroringRoutes.SSH_PUSHES)) {
                ctx.bodyAsBytes();
            }
            if (!MirroringRoutes.isSignedByMirror(ctx.path(), ctx.header("Authorization"))) {
                Caller caller = authentication.caller(ctx.header("Authorization"), ctx.ip());
                ctx.attribute(CALLER, caller);
                // Bitbucket names the signed-in user on every answer; scripts read it to check whose credentials work.
                if (caller.isUser()) {
                    ctx.header("X-AUSERNAME", caller.name().value());
                }
            }
        });
        routes.get("/rest/capabilities", ctx -> ctx.json(new RestJson.Capabilities("stash", Map.of())));
        routes.get(API + "/application-properties", ctx -> ctx.json(new RestJson.ApplicationProperties(
                BITBUCKET_API_VERSION, "10005000", "0", "Facet")));

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

        routes.put(API + "/projects/{key}", ctx -> ctx.json(RestJson.ProjectJson.of(updateProject(ctx), baseUrl.get())));
        registerRepositories(routes);
        registerRefs(routes);

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
            if (ctx.body().isBlank() && ctx.queryParam("name") != null) {
                createUserAsBitbucketDoes(ctx);
                return;
            }
            RestJson.CreateUser body = body(ctx, RestJson.CreateUser.class);
            GlobalRole role = body.role() == null ? GlobalRole.USER : GlobalRole.parse("role", body.role());
            var user = users.createUser(caller(ctx), Username.of(body.name()), body.password(), body.displayName(),
                    body.emailAddress(), role);
            ctx.status(201).json(RestJson.UserJson.of(user));
        });
        routes.put(TOKENS + "/{name}", ctx -> {
            RestJson.CreateToken body = body(ctx, RestJson.CreateToken.class);
            Set<Permission> granted = permissions(body.permissions());
            var created = users.createToken(caller(ctx), Username.of(ctx.pathParam("name")), body.name(),
                    granted == null ? Set.of() : granted, body.expiryDays());
            ctx.status(201).json(RestJson.TokenJson.of(created.token(), created.secret()));
        });
        registerAccounts(routes);
        permissionRoutes.register(routes);
    }

    /** Repositories listed, searched, created, read, updated and deleted: Bitbucket's paths and shapes. */
    private void registerRepositories(RoutesConfig routes) {
        routes.get(API + "/repos", ctx -> ctx.json(RestJson.Paged.of(
                projects.searchRepositories(caller(ctx), repositorySearch(ctx), start(ctx), limit(ctx)),
                this::repositoryJson)));
        routes.get(API + "/projects/{key}/repos", ctx -> ctx.json(RestJson.Paged.of(
                projects.listRepositories(caller(ctx), projectKey(ctx), start(ctx), limit(ctx)), this::repositoryJson)));
        routes.post(API + "/projects/{key}/repos", ctx -> ctx.status(201).json(repositoryJson(createRepository(ctx))));
        routes.get(REPOSITORY, ctx -> ctx.json(repositoryJson(projects.repository(caller(ctx), projectKey(ctx),
                slug(ctx)))));
        // Bitbucket answers an update with 201, as its spec says.
        routes.put(REPOSITORY, ctx -> ctx.status(201).json(repositoryJson(updateRepository(ctx))));
        routes.delete(REPOSITORY, ctx -> {
            projects.deleteRepository(caller(ctx), projectKey(ctx), slug(ctx));
            ctx.status(202);
        });
    }

    /** Branches, tags and the default branch, in both of Bitbucket's forms where it has two. */
    private void registerRefs(RoutesConfig routes) {
        routes.get(REPOSITORY + "/branches", ctx -> {
            QueryParameters.bool(ctx, "details", false);
            QueryParameters.bool(ctx, "boostMatches", false);
            ctx.json(RestJson.Paged.of(refs.branches(caller(ctx), projectKey(ctx), slug(ctx),
                    ctx.queryParam("filterText"), RefService.Order.parse(ctx.queryParam("orderBy")), start(ctx),
                    limit(ctx)), RestJson.BranchJson::of));
        });
        routes.post(REPOSITORY + "/branches", ctx -> ctx.json(RestJson.BranchJson.of(createBranch(ctx))));
        routes.post(BRANCH_UTILS, ctx -> ctx.json(RestJson.BranchJson.of(createBranch(ctx))));
        routes.delete(BRANCH_UTILS, ctx -> {
            RestJson.DeleteBranch body = body(ctx, RestJson.DeleteBranch.class);
            refs.deleteBranch(caller(ctx), projectKey(ctx), slug(ctx), body.name(), body.endPoint(),
                    Boolean.TRUE.equals(body.dryRun()));
            ctx.status(204);
        });

        routes.get(REPOSITORY + "/default-branch", ctx -> ctx.json(RestJson.MinimalRefJson.branch(
                refs.defaultBranch(caller(ctx), projectKey(ctx), slug(ctx)))));
        routes.put(REPOSITORY + "/default-branch", this::setDefaultBranch);
        routes.get(REPOSITORY + "/branches/default", ctx -> refs.existingDefaultBranch(caller(ctx), projectKey(ctx),
                slug(ctx)).ifPresentOrElse(branch -> ctx.json(RestJson.BranchJson.of(branch)), () -> ctx.status(204)));
        routes.put(REPOSITORY + "/branches/default", this::setDefaultBranch);

        routes.get(REPOSITORY + "/tags", ctx -> ctx.json(RestJson.Paged.of(refs.tags(caller(ctx), projectKey(ctx),
                slug(ctx), ctx.queryParam("filterText"), RefService.Order.parse(ctx.queryParam("orderBy")), start(ctx),
                limit(ctx)), RestJson.TagJson::of)));
        routes.post(REPOSITORY + "/tags", ctx -> ctx.json(RestJson.TagJson.of(createTag(ctx, false))));
        // Tag names may hold slashes (release/1.0): the name is the rest of the path.
        routes.get(REPOSITORY + "/tags/<name>", ctx -> ctx.json(RestJson.TagJson.of(refs.tag(caller(ctx),
                projectKey(ctx), slug(ctx), ctx.pathParam("name")))));
        routes.post(GIT_TAGS, ctx -> ctx.json(RestJson.TagJson.of(createTag(ctx, true))));
        routes.delete(GIT_TAGS + "/<name>", ctx -> {
            refs.deleteTag(caller(ctx), projectKey(ctx), slug(ctx), ctx.pathParam("name"));
            ctx.status(204);
        });
    }

    private Project updateProject(Context ctx) throws JsonProcessingException {
        RequestFields fields = RequestFields.of(json, ctx);
        ProjectKey key = projectKey(ctx);
        fields.refuseWhen(fields.text("key").filter(k -> !k.isBlank() && !k.equalsIgnoreCase(key.value())).isPresent(),
                "key", "Facet does not change a project's key; its clone URLs and mirrors' copies are named by it.");
        fields.refuseWhen(fields.text("avatar").filter(a -> !a.isBlank()).isPresent(), "avatar",
                "Facet keeps no project avatars.");
        fields.refuseWhen(fields.text("type").filter(t -> !t.isBlank() && !t.equalsIgnoreCase("NORMAL")).isPresent(),
                "type", "Facet has normal projects only.");
        Project current = projects.project(caller(ctx), key);
        return projects.updateProject(caller(ctx), key, fields.text("name").orElse(current.name()),
                fields.text("description").orElse(current.description()),
                fields.bool("public").orElse(current.isPublic()));
    }

    private RepositoryRecord createRepository(Context ctx) throws JsonProcessingException {
        RequestFields fields = RequestFields.of(json, ctx);
        refuseWhatFacetCannotDo(fields, projectKey(ctx));
        String name = fields.text("name").filter(n -> !n.isBlank()).orElseThrow(
                () -> new InvalidInput("name", "A repository name is required."));
        RepositoryName repositoryName = new RepositoryName(name);
        String defaultBranch = fields.text("defaultBranch").filter(b -> !b.isBlank())
                .map(b -> RefService.branchName("defaultBranch", b)).orElse(null);
        RepositoryRecord created = projects.createRepository(caller(ctx), projectKey(ctx), repositoryName,
                fields.bool("public").orElse(false), fields.text("description").orElse(null),
                fields.bool("forkable").orElse(true));
        if (defaultBranch != null) {
            refs.setDefaultBranch(caller(ctx), projectKey(ctx), created.slug(), defaultBranch);
        }
        return created;
    }

    /** Checks every field first, then applies them, so that a refused field leaves the repository as it was. */
    private RepositoryRecord updateRepository(Context ctx) throws JsonProcessingException {
        RequestFields fields = RequestFields.of(json, ctx);
        ProjectKey key = projectKey(ctx);
        refuseWhatFacetCannotDo(fields, key);
        RepositoryName newName = fields.text("name").filter(n -> !n.isBlank()).map(RepositoryName::new).orElse(null);
        String defaultBranch = fields.text("defaultBranch").filter(b -> !b.isBlank())
                .map(b -> RefService.branchName("defaultBranch", b)).orElse(null);
        Caller caller = caller(ctx);
        RepositoryRecord repository = projects.repository(caller, key, slug(ctx));
        if (fields.has("description") || fields.has("forkable")) {
            repository = projects.describeRepository(caller, key, repository.slug(),
                    fields.text("description").orElse(repository.description()),
                    fields.bool("forkable").orElse(repository.forkable()));
        }
        if (fields.bool("public").isPresent()) {
            repository = projects.setRepositoryPublic(caller, key, repository.slug(), fields.bool("public").get());
        }
        // Renamed first: the new default branch's event then sends mirrors to the repository's new name.
        if (newName != null) {
            repository = projects.renameRepository(caller, key, repository.slug(), newName);
        }
        if (defaultBranch != null) {
            refs.setDefaultBranch(caller, key, repository.slug(), defaultBranch);
        }
        return repository;
    }

    /** What a repository body may ask of Bitbucket that Facet does not do: a 400 naming the field, never silence. */
    private static void refuseWhatFacetCannotDo(RequestFields fields, ProjectKey key) {
        fields.refuseWhen(fields.text("scmId").filter(id -> !id.isBlank() && !id.equalsIgnoreCase("git")).isPresent(),
                "scmId", "Facet hosts Git repositories only.");
        fields.refuseWhen(fields.bool("archived").orElse(false), "archived",
                "Facet cannot archive repositories yet.");
        fields.refuseWhen(fields.nestedText("project", "key").filter(k -> !k.equalsIgnoreCase(key.value())).isPresent(),
                "project", "Facet does not move repositories between projects.");
        fields.refuseWhen(fields.given("origin") || fields.bool("fork").orElse(false), "origin", "Facet has no forks.");
    }

    private RefService.Branch createBranch(Context ctx) throws JsonProcessingException {
        RestJson.CreateBranch body = body(ctx, RestJson.CreateBranch.class);
        return refs.createBranch(caller(ctx), projectKey(ctx), slug(ctx), body.name(), body.startPoint());
    }

    private RefService.Tag createTag(Context ctx, boolean gitForm) throws JsonProcessingException {
        RestJson.CreateTag body = body(ctx, RestJson.CreateTag.class);
        boolean annotated;
        if (gitForm && body.type() != null && !body.type().isBlank()) {
            String type = body.type().strip().toUpperCase(java.util.Locale.ROOT);
            if (!type.equals("ANNOTATED") && !type.equals("LIGHTWEIGHT")) {
                throw new InvalidInput("type", "'type' must be ANNOTATED or LIGHTWEIGHT, not '" + body.type() + "'.");
            }
            annotated = type.equals("ANNOTATED");
        } else {
            annotated = body.message() != null && !body.message().isBlank();
        }
        return refs.createTag(caller(ctx), projectKey(ctx), slug(ctx), body.name(), body.startPoint(), body.message(),
                annotated, gitForm && Boolean.TRUE.equals(body.force()));
    }

    private void setDefaultBranch(Context ctx) throws JsonProcessingException {
        RestJson.ChosenBranch body = body(ctx, RestJson.ChosenBranch.class);
        refs.setDefaultBranch(caller(ctx), projectKey(ctx), slug(ctx), RefService.branchName("id", body.id()));
        ctx.status(204);
    }

    private static RepositorySearch repositorySearch(Context ctx) {
        String permission = QueryParameters.oneOf(ctx, "permission", List.of("REPO_READ", "REPO_WRITE", "REPO_ADMIN"));
        String state = QueryParameters.oneOf(ctx, "state", List.of("AVAILABLE", "INITIALISING", "INITIALISATION_FAILED"));
        String visibility = QueryParameters.oneOf(ctx, "visibility", List.of("PUBLIC", "PRIVATE"));
        String archived = QueryParameters.oneOf(ctx, "archived", List.of("ACTIVE", "ARCHIVED", "ALL"));
        return new RepositorySearch(ctx.queryParam("name"), ctx.queryParam("projectname"), ctx.queryParam("projectkey"),
                visibility == null ? null : visibility.equals("PUBLIC"),
                permission == null ? AccessLevel.READ : Permission.valueOf(permission).level(),
                state == null || state.equals("AVAILABLE"), "ARCHIVED".equals(archived) ? Boolean.TRUE : null);
    }

    /** A token request's permissions, or null when it names none. */
    static Set<Permission> permissions(List<String> names) {
        if (names == null) {
            return null;
        }
        Set<Permission> permissions = EnumSet.noneOf(Permission.class);
        names.forEach(name -> permissions.add(Permission.parseAny("permissions", name)));
        return permissions;
    }

    /** Tokens listed, read, changed and revoked, passwords changed, users listed, disabled and deleted: Bitbucket's paths and shapes. */
    private void registerAccounts(RoutesConfig routes) {
        routes.get(TOKENS + "/{name}", ctx -> ctx.json(RestJson.Paged.of(Page.within(
                users.tokens(caller(ctx), Username.of(ctx.pathParam("name"))), start(ctx), limit(ctx)),
                RestJson.TokenListJson::of)));
        routes.get(TOKENS + "/{name}/{tokenId}", ctx -> ctx.json(RestJson.TokenListJson.of(
                users.token(caller(ctx), Username.of(ctx.pathParam("name")), ctx.pathParam("tokenId")))));
        routes.post(TOKENS + "/{name}/{tokenId}", ctx -> {
            RestJson.CreateToken body = body(ctx, RestJson.CreateToken.class);
            ctx.json(RestJson.TokenListJson.of(users.updateToken(caller(ctx), Username.of(ctx.pathParam("name")),
                    ctx.pathParam("tokenId"), body.name(), permissions(body.permissions()), body.expiryDays())));
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
                users.users(caller(ctx), ctx.queryParam("filter"), start(ctx), limit(ctx)), RestJson.UserJson::of)));
        routes.put(API + "/admin/users", ctx -> {
            RestJson.UpdateUser body = body(ctx, RestJson.UpdateUser.class);
            Username name = requiredName(body.name());
            if (body.active() == null && body.displayName() == null && body.email() == null) {
                throw new InvalidInput("name", "Say what to change: displayName, email, or active (false disables "
                        + "the user, true enables them again).");
            }
            if (body.displayName() != null || body.email() != null) {
                users.updateDetails(caller(ctx), name, body.displayName(), body.email());
            }
            if (body.active() != null) {
                users.setActive(caller(ctx), name, body.active());
            }
            ctx.json(RestJson.UserJson.of(users.user(name).orElseThrow()));
        });
        routes.delete(API + "/admin/users", ctx -> {
            Username name = username(ctx);
            var user = users.user(name);
            users.deleteUser(caller(ctx), name);
            ctx.json(RestJson.UserJson.of(user.orElseThrow()));
        });
    }

    /**
     * {@code POST /admin/users?name=&password=&displayName=&emailAddress=}, Bitbucket's form: 204 and no body.
     * Facet has no default group, so {@code addToDefaultGroup} adds to none; it sends no mail, so {@code notify}
     * is refused rather than silently dropped.
     */
    private void createUserAsBitbucketDoes(Context ctx) {
        QueryParameters.bool(ctx, "addToDefaultGroup", true);
        if (QueryParameters.bool(ctx, "notify", false)) {
            throw new InvalidInput("notify", "Facet cannot honour 'notify': it sends no mail; give a password instead.");
        }
        String displayName = ctx.queryParam("displayName");
        String email = ctx.queryParam("emailAddress");
        if (displayName == null || displayName.isBlank()) {
            throw new InvalidInput("displayName", "The query parameter 'displayName' is required.");
        }
        if (email == null || email.isBlank()) {
            throw new InvalidInput("emailAddress", "The query parameter 'emailAddress' is required.");
        }
        users.createUser(caller(ctx), username(ctx), ctx.queryParam("password"), displayName, email, GlobalRole.USER);
        ctx.status(204);
    }

    static Username requiredName(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidInput("name", "The field 'name' (a user name) is required.");
        }
        return Username.of(name);
    }

    private RestJson.RepositoryJson repositoryJson(RepositoryRecord repository) {
        return RestJson.RepositoryJson.of(repository, projects.projectOf(repository), refs.configuredDefault(repository),
                baseUrl.get(), sshBaseUrl.get().orElse(null), lfsUsage.apply(repository.id()));
    }

    static Caller caller(Context ctx) {
        Caller caller = ctx.attribute(CALLER);
        return caller == null ? Caller.ANONYMOUS : caller;
    }

    static ProjectKey projectKey(Context ctx) {
        return ProjectKey.of(ctx.pathParam("key"));
    }

    static RepositorySlug slug(Context ctx) {
        return RepositorySlug.of(ctx.pathParam("slug"));
    }

    static Username username(Context ctx) {
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
