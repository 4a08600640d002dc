package dev.facet.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.access.Permission;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.primary.Page;
import dev.facet.primary.ProjectTokenService;
import dev.facet.primary.ProjectTokenService.Target;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Set;

/**
 * Bitbucket's paths for project and repository access tokens: {@code PUT} creates, {@code GET} lists or reads,
 * {@code POST} changes, {@code DELETE} revokes. The caller is read by {@link PrimaryRoutes}' filter on {@code /rest/*}.
 */
final class ProjectTokenRoutes {
    private static final String PROJECT = "/rest/access-tokens/latest/projects/{key}";
    private static final String REPOSITORY = PROJECT + "/repos/{slug}";

    private final ProjectTokenService tokens;
    private final ObjectMapper json;

    ProjectTokenRoutes(ProjectTokenService tokens, ObjectMapper json) {
        this.tokens = tokens;
        this.json = json;
    }

    void register(RoutesConfig routes) {
        register(routes, PROJECT, ctx -> Target.ofProject(ProjectKey.of(ctx.pathParam("key"))));
        register(routes, REPOSITORY, ctx -> Target.ofRepository(ProjectKey.of(ctx.pathParam("key")),
                RepositorySlug.of(ctx.pathParam("slug"))));
    }

    private interface TargetOf {
        Target of(Context ctx);
    }

    private void register(RoutesConfig routes, String path, TargetOf target) {
        routes.put(path, ctx -> {
            RestJson.CreateToken body = PrimaryRoutes.body(json, ctx, RestJson.CreateToken.class);
            Set<Permission> permissions = PrimaryRoutes.permissions(body.permissions());
            var created = tokens.create(PrimaryRoutes.caller(ctx), target.of(ctx), body.name(),
                    permissions == null ? Set.of() : permissions, body.expiryDays());
            ctx.json(ProjectTokenJson.Created.of(created.token(), created.secret()));
        });
        routes.get(path, ctx -> ctx.json(RestJson.Paged.of(Page.within(
                tokens.tokens(PrimaryRoutes.caller(ctx), target.of(ctx)), PrimaryRoutes.start(ctx),
                PrimaryRoutes.limit(ctx)), ProjectTokenJson.Listed::of)));
        routes.get(path + "/{tokenId}", ctx -> ctx.json(ProjectTokenJson.Listed.of(
                tokens.token(PrimaryRoutes.caller(ctx), target.of(ctx), ctx.pathParam("tokenId")))));
        routes.post(path + "/{tokenId}", ctx -> {
            RestJson.CreateToken body = PrimaryRoutes.body(json, ctx, RestJson.CreateToken.class);
            ctx.json(ProjectTokenJson.Listed.of(tokens.update(PrimaryRoutes.caller(ctx), target.of(ctx),
                    ctx.pathParam("tokenId"), body.name(), PrimaryRoutes.permissions(body.permissions()),
                    body.expiryDays())));
        });
        routes.delete(path + "/{tokenId}", ctx -> {
            tokens.revoke(PrimaryRoutes.caller(ctx), target.of(ctx), ctx.pathParam("tokenId"));
            ctx.status(204);
        });
    }
}
