package dev.facet.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.access.Permission;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.name.ProjectKey;
import dev.facet.core.name.RepositorySlug;
import dev.facet.primary.AccessKeyService;
import dev.facet.primary.AccessKeyService.AccessKey;
import dev.facet.primary.Page;
import dev.facet.primary.ProjectTokenService.Target;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Bitbucket's paths for SSH access keys: {@code /rest/keys/latest/projects/{key}/ssh} and
 * {@code …/repos/{slug}/ssh} list and add, {@code …/ssh/{keyId}} reads and revokes,
 * {@code …/ssh/{keyId}/permission/{permission}} changes what a key may do. The caller is read by
 * {@link PrimaryRoutes}' filter on {@code /rest/*}.
 */
final class AccessKeyRoutes {
    private static final String PROJECT = "/rest/keys/latest/projects/{key}";
    private static final String REPOSITORY = PROJECT + "/repos/{slug}";

    /** Bitbucket's {@code RestSshAccessKey}: the key, what it belongs to (a project or a repository) and its permission. */
    record AccessKeyJson(SshKeyRoutes.SshKeyJson key, Map<String, String> project, RepositoryRef repository,
                         String permission) {
        static AccessKeyJson of(AccessKey access) {
            Target target = access.target();
            Map<String, String> project = Map.of("key", target.project().value());
            return target.repository() == null
                    ? new AccessKeyJson(SshKeyRoutes.SshKeyJson.of(access.key()), project, null,
                    access.permission().name())
                    : new AccessKeyJson(SshKeyRoutes.SshKeyJson.of(access.key()), null,
                    new RepositoryRef(target.repository().value(), project), access.permission().name());
        }
    }

    record RepositoryRef(String slug, Map<String, String> project) {
    }

    /** The body of {@code POST …/ssh}: the key's text and label, and the permission (read when left out). */
    record AddAccessKeyJson(SshKeyRoutes.AddSshKeyJson key, String permission) {
    }

    private final AccessKeyService keys;
    private final ObjectMapper json;

    AccessKeyRoutes(AccessKeyService keys, ObjectMapper json) {
        this.keys = keys;
        this.json = json;
    }

    void register(RoutesConfig routes) {
        register(routes, PROJECT + "/ssh", ctx -> Target.ofProject(ProjectKey.of(ctx.pathParam("key"))));
        register(routes, REPOSITORY + "/ssh", ctx -> Target.ofRepository(ProjectKey.of(ctx.pathParam("key")),
                RepositorySlug.of(ctx.pathParam("slug"))));
    }

    private interface TargetOf {
        Target of(Context ctx);
    }

    private void register(RoutesConfig routes, String path, TargetOf target) {
        routes.get(path, ctx -> ctx.json(RestJson.Paged.of(Page.within(
                keys.keys(PrimaryRoutes.caller(ctx), target.of(ctx)), PrimaryRoutes.start(ctx),
                PrimaryRoutes.limit(ctx)), AccessKeyJson::of)));
        routes.post(path, ctx -> {
            AddAccessKeyJson body = PrimaryRoutes.body(json, ctx, AddAccessKeyJson.class);
            if (body.key() == null) {
                throw new InvalidInput("key", "The body names the key as {\"key\": {\"text\": \"ssh-ed25519 …\"}}.");
            }
            ctx.status(201).json(AccessKeyJson.of(keys.add(PrimaryRoutes.caller(ctx), target.of(ctx),
                    body.key().text(), body.key().label(), permission(body.permission()))));
        });
        routes.get(path + "/{keyId}", ctx -> ctx.json(AccessKeyJson.of(
                keys.key(PrimaryRoutes.caller(ctx), target.of(ctx), SshKeyRoutes.keyId(ctx)))));
        routes.delete(path + "/{keyId}", ctx -> {
            keys.revoke(PrimaryRoutes.caller(ctx), target.of(ctx), SshKeyRoutes.keyId(ctx));
            ctx.status(204);
        });
        routes.put(path + "/{keyId}/permission/{permission}", ctx -> ctx.json(AccessKeyJson.of(
                keys.changePermission(PrimaryRoutes.caller(ctx), target.of(ctx), SshKeyRoutes.keyId(ctx),
                        Permission.parseAny("permission", ctx.pathParam("permission"))))));
    }

    private static Permission permission(String raw) {
        return raw == null || raw.isBlank() ? null : Permission.parseAny("permission", raw);
    }
}
