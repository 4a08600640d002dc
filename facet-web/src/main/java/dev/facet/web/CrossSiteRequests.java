package dev.facet.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses REST requests that change state with a body that is not JSON. A page on another site
 * can make a browser send a form or {@code text/plain} body with the user's cookies or cached
 * Basic credentials and no preflight; it cannot send {@code application/json} without the browser
 * asking Facet first, and Facet allows no cross-origin requests. So requiring JSON closes the
 * cross-site path for every REST route at once, whatever the route does with its body.
 */
final class CrossSiteRequests {
    private static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private CrossSiteRequests() {
    }

    static void register(RoutesConfig routes) {
        routes.before("/rest/*", CrossSiteRequests::requireJsonBody);
    }

    private static void requireJsonBody(Context ctx) {
        if (!STATE_CHANGING.contains(ctx.method().name()) || !hasBody(ctx) || isJson(ctx.contentType())) {
            return;
        }
        throw new HttpResponseException(415, "A request body here must be JSON: send it with the header "
                + "Content-Type: application/json.");
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
