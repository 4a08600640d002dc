package dev.facet.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.name.Username;
import dev.facet.core.store.SshKey;
import dev.facet.primary.Page;
import dev.facet.primary.SshKeyService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * Bitbucket's paths for users' SSH keys: {@code /rest/ssh/latest/keys} lists, adds and removes
 * the caller's keys, or, with {@code ?user=NAME}, an administrator's pick. The caller is read by
 * {@link PrimaryRoutes}' filter on {@code /rest/*}.
 */
final class SshKeyRoutes {
    private static final String KEYS = "/rest/ssh/latest/keys";

    /** A key in Bitbucket's shape; {@code createdDate} in epoch milliseconds. */
    record SshKeyJson(long id, String text, String label, String algorithmType, int bitLength, String fingerprint,
                      long createdDate) {
        static SshKeyJson of(SshKey key) {
            return new SshKeyJson(key.id(), key.text(), key.label(), key.algorithmType(), key.bitLength(),
                    key.fingerprint(), key.createdAt().toEpochMilli());
        }
    }

    /** The body of {@code POST keys}: the key's text and an optional label (other fields are computed). */
    record AddSshKeyJson(String text, String label) {
    }

    private final SshKeyService keys;
    private final ObjectMapper json;

    SshKeyRoutes(SshKeyService keys, ObjectMapper json) {
        this.keys = keys;
        this.json = json;
    }

    void register(RoutesConfig routes) {
        routes.get(KEYS, ctx -> ctx.json(RestJson.Paged.of(Page.within(
                keys.keys(PrimaryRoutes.caller(ctx), owner(ctx)), PrimaryRoutes.start(ctx), PrimaryRoutes.limit(ctx)),
                SshKeyJson::of)));
        routes.post(KEYS, ctx -> {
            AddSshKeyJson body = PrimaryRoutes.body(json, ctx, AddSshKeyJson.class);
            ctx.status(201).json(SshKeyJson.of(keys.add(PrimaryRoutes.caller(ctx), owner(ctx), body.text(),
                    body.label())));
        });
        routes.delete(KEYS, ctx -> {
            keys.deleteAll(PrimaryRoutes.caller(ctx), owner(ctx));
            ctx.status(204);
        });
        routes.get(KEYS + "/{keyId}", ctx -> ctx.json(SshKeyJson.of(keys.key(PrimaryRoutes.caller(ctx), keyId(ctx)))));
        routes.delete(KEYS + "/{keyId}", ctx -> {
            keys.delete(PrimaryRoutes.caller(ctx), keyId(ctx));
            ctx.status(204);
        });
    }

    /** Bitbucket takes the user as {@code user} or {@code userName}; neither means the caller. */
    private static Username owner(Context ctx) {
        String user = ctx.queryParam("user");
        String name = user != null ? user : ctx.queryParam("userName");
        return name == null || name.isBlank() ? null : Username.of(name);
    }

    static long keyId(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("keyId"));
        } catch (NumberFormatException e) {
            throw new InvalidInput("keyId", "An SSH key id is a whole number.");
        }
    }
}
