package dev.facet.web;

import dev.facet.core.access.Caller;
import dev.facet.core.error.FacetException;
import dev.facet.primary.UserService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** A signed-in user's own account: change the password, see and revoke their access tokens. */
final class AccountPages {
    private static final String PAGE = "/account";

    private final UserService users;
    private final PageAccess access;

    AccountPages(UserService users, PageAccess access) {
        this.users = users;
        this.access = access;
    }

    void register(RoutesConfig routes) {
        routes.get(PAGE, ctx -> access.signedIn(ctx, PAGE).ifPresent(caller -> render(ctx, caller, 200, Map.of(), null)));
        routes.post(PAGE + "/password", ctx -> act(ctx, "password", caller -> {
            users.changeOwnPassword(caller, ctx.formParam("oldPassword"), ctx.formParam("password"),
                    ctx.formParam("passwordConfirm"), ctx.ip());
            return "Your password was changed.";
        }));
        routes.post(PAGE + "/revoke-token", ctx -> act(ctx, "token", caller -> {
            String tokenId = Optional.ofNullable(ctx.formParam("tokenId")).orElse("");
            users.revokeToken(caller, caller.name(), tokenId);
            return "Token " + tokenId + " revoked: it no longer works anywhere.";
        }));
    }

    private interface Action {
        String run(Caller caller);
    }

    /** A form on the page: its token checked, the action done, the page shown again with the outcome. */
    private void act(Context ctx, String defaultField, Action action) {
        if (access.csrfRefused(ctx)) {
            return;
        }
        access.signedIn(ctx, PAGE).ifPresent(caller -> {
            try {
                String done = action.run(caller);
                render(ctx, caller, 200, Map.of(), done);
            } catch (FacetException e) {
                Map<String, String> errors = new HashMap<>();
                errors.put(e.context() != null ? e.context() : defaultField, e.getMessage());
                render(ctx, caller, ErrorMapping.status(e), errors, null);
            }
        });
    }

    private void render(Context ctx, Caller caller, int status, Map<String, String> errors, String done) {
        List<PageModels.TokenRow> tokens = users.tokens(caller, caller.name()).stream()
                .map(token -> new PageModels.TokenRow(token.id(), token.name(),
                        token.permissions().stream().map(Enum::name).sorted().collect(Collectors.joining(", ")),
                        Pages.when(token.createdAt()), token.expiresAt() == null ? "never" : Pages.when(token.expiresAt()),
                        Pages.when(token.lastUsedAt())))
                .toList();
        ctx.status(status);
        Pages.render(ctx, "account.jte", new PageModels.AccountPage(access.frame(ctx, "Your account"), errors, done,
                tokens));
    }
}
