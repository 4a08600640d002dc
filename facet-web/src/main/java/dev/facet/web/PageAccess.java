package dev.facet.web;

import dev.facet.core.access.Caller;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Who a page is for: the signed-in user or an anonymous visitor, administrators only where it says so, forms with their token. */
final class PageAccess {
    private final BrowserSessions sessions;

    PageAccess(BrowserSessions sessions) {
        this.sessions = sessions;
    }

    BrowserSessions sessions() {
        return sessions;
    }

    /** The signed-in user, or anonymous: public pages show what anonymous visitors may see. */
    Caller viewer(Context ctx) {
        return sessions.caller(ctx).orElse(Caller.ANONYMOUS);
    }

    PageModels.Frame frame(Context ctx, String title) {
        Caller viewer = viewer(ctx);
        return PageModels.Frame.primary(title, viewer.isAnonymous() ? null : viewer.name().value(), sessions.csrfToken(ctx));
    }

    /** The signed-in user; an anonymous visitor is sent to sign in first. */
    Optional<Caller> signedIn(Context ctx, String fallbackNext) {
        Optional<Caller> caller = sessions.caller(ctx);
        if (caller.isEmpty()) {
            String here = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
            ctx.redirect("/login?next=" + URLEncoder.encode(ctx.method().name().equals("GET") ? here : fallbackNext,
                    StandardCharsets.UTF_8));
        }
        return caller;
    }

    /** The signed-in administrator; anyone else is sent to sign in, or told they may not. */
    Optional<Caller> admin(Context ctx, String fallbackNext) {
        Optional<Caller> caller = signedIn(ctx, fallbackNext);
        if (caller.isEmpty()) {
            return Optional.empty();
        }
        if (!caller.get().isAdmin()) {
            message(ctx, 403, "Not allowed", "Only administrators can use this page.",
                    "Ask an administrator of this Facet to do it, or to make you one.");
            return Optional.empty();
        }
        return caller;
    }

    boolean csrfMatches(Context ctx) {
        return sessions.csrfMatches(ctx);
    }

    /** Answers a form that came without this browser's token with a page that says so; true when it did. */
    boolean csrfRefused(Context ctx) {
        if (csrfMatches(ctx)) {
            return false;
        }
        message(ctx, 403, "Form refused", "This form's security token is missing or stale, so it was not acted on.",
                "Go back, reload the page and send the form again.");
        return true;
    }

    void message(Context ctx, int status, String title, String message, String advice) {
        ctx.status(status);
        Pages.render(ctx, "message.jte", new PageModels.MessagePage(frame(ctx, title), message, advice));
    }
}
