package dev.facet.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses REST requests that change state when a browser says they come from another site, and
 * those whose body is not JSON. A page on another site can make a browser send a form,
 * {@code text/plain} or empty body with the user's cookies or cached Basic credentials and no
 * preflight, so the body rule alone leaves every route without a body (accept, restore,
 * reconnect…) open: browsers name the page's site in {@code Sec-Fetch-Site} and {@code Origin} on
 * every such request, and those are checked first. Scripts and Git clients send neither and are
 * judged by their credentials alone.
 */
final class CrossSiteRequests {
    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private CrossSiteRequests() {
    }

    static void register(RoutesConfig routes) {
        routes.before("/rest/*", CrossSiteRequests::refuse);
    }

    private static void refuse(Context ctx) {
        if (!STATE_CHANGING.contains(ctx.method().name())) {
            return;
        }
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            throw crossSite();
        }
        String origin = ctx.header("Origin");
        if (origin != null && !sameAuthority(origin, ctx.header("Host"))) {
            throw crossSite();
        }
        // A push a mirror forwards is Git's binary request, under the mirror's signature, which no page can make.
        boolean forwardedPush = ctx.path().startsWith(MirroringRoutes.SSH_PUSHES)
                && MirroringRoutes.isSignedByMirror(ctx.path(), ctx.header("Authorization"));
        if (hasBody(ctx) && !forwardedPush && !isJson(ctx.contentType())) {
            throw new HttpResponseException(415, "A request body here must be JSON: send it with the header "
                    + "Content-Type: application/json.");
        }
    }

    private static HttpResponseException crossSite() {
        return new HttpResponseException(403, "A page on another site may not change anything here; call the REST "
                + "API from a script, or use Facet's own pages.");
    }

    /** Whether a browser's {@code Origin} names the host and port the request was sent to. */
    static boolean sameAuthority(String origin, String host) {
        if (host == null) {
            return false;
        }
        URI parsed;
        try {
            parsed = new URI(origin);
        } catch (URISyntaxException e) {
            return false;
        }
        if (parsed.getScheme() == null || parsed.getHost() == null) {
            return false;
        }
        int defaultPort = "https".equalsIgnoreCase(parsed.getScheme()) ? 443 : 80;
        String expected = parsed.getPort() < 0 || parsed.getPort() == defaultPort
                ? parsed.getHost() : parsed.getHost() + ":" + parsed.getPort();
        String sent = host.endsWith(":" + defaultPort) ? host.substring(0, host.length() - (":" + defaultPort).length())
                : host;
        return expected.equalsIgnoreCase(sent);
    }

    private static boolean hasBody(Context ctx) {
        return ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }
}
