package dev.facet.web;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonMappingException;
import dev.facet.core.error.AlreadyExists;
import dev.facet.core.error.AuthenticationRequired;
import dev.facet.core.error.Conflict;
import dev.facet.core.error.FacetException;
import dev.facet.core.error.InvalidInput;
import dev.facet.core.error.NotFound;
import dev.facet.core.error.PermissionDenied;
import dev.facet.core.error.TooManyRequests;
import dev.facet.core.error.TimedOut;
import dev.facet.core.error.Unavailable;
import dev.facet.core.identity.TokenRejected;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where failures become HTTP statuses and error bodies. */
final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);
    static final String CHALLENGE = "Basic realm=\"Facet\"";

    private ErrorMapping() {
    }

    static int status(FacetException failure) {
        if (failure instanceof InvalidInput) {
            return 400;
        } else if (failure instanceof AuthenticationRequired) {
            return 401;
        } else if (failure instanceof PermissionDenied) {
            return 403;
        } else if (failure instanceof NotFound) {
            return 404;
        } else if (failure instanceof AlreadyExists || failure instanceof Conflict) {
            return 409;
        } else if (failure instanceof TooManyRequests) {
            return 429;
        } else if (failure instanceof TimedOut) {
            return 504;
        } else if (failure instanceof Unavailable) {
            return 503;
        }
        return 400;
    }

    static void register(RoutesConfig routes) {
        routes.exception(FacetException.class, (e, ctx) -> {
            if (e instanceof TokenRejected) {
                ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            } else if (e instanceof AuthenticationRequired) {
                ctx.header("WWW-Authenticate", CHALLENGE);
            } else if (e instanceof TooManyRequests tooMany) {
                ctx.header("Retry-After", Long.toString(tooMany.retryAfterSeconds()));
            }
            respond(ctx, status(e), e.getMessage(), e.context(), e.getClass().getSimpleName());
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            String message = switch (e.getStatus()) {
                case 404 -> "No such resource: " + ctx.method() + " " + ctx.path();
                case 405 -> "Method " + ctx.method() + " is not allowed on " + ctx.path() + ".";
                case 413 -> "The request body is too large.";
                case 415 -> e.getMessage() == null || e.getMessage().isBlank()
                        ? "This content type is not accepted here." : e.getMessage();
                default -> e.getMessage();
            };
            String name = switch (e.getStatus()) {
                case 404 -> "NotFound";
                case 405 -> "MethodNotAllowed";
                case 413 -> "RequestTooLarge";
                case 415 -> "UnsupportedMediaType";
                default -> e.getClass().getSimpleName();
            };
            respond(ctx, e.getStatus(), message, null, name);
        });
        // Jetty's own refusals met while a handler reads the request (a body sent too slowly, a broken chunk)
        // are the client's, and keep their status.
        routes.exception(org.eclipse.jetty.http.BadMessageException.class, (e, ctx) ->
                respond(ctx, e.getCode(), "The request could not be read: " + e.getReason(), null, "BadRequest"));
        routes.exception(JacksonException.class, (e, ctx) ->
                respond(ctx, 400, describe(e), field(e), "InvalidJson"));
        routes.exception(Exception.class, (e, ctx) -> {
            log.error("{} {} failed", ctx.method(), ctx.path(), e);
            respond(ctx, 500, "Facet could not complete this request; the server log has the details.", null,
                    "InternalError");
        });
    }

    private static String describe(JacksonException failure) {
        if (failure instanceof JsonParseException) {
            return "The request body is not valid JSON: " + failure.getOriginalMessage();
        }
        String field = field(failure);
        if (failure.getOriginalMessage() != null && failure.getOriginalMessage().startsWith("No content")) {
            return "The request needs a JSON body.";
        }
        return field == null ? "The request body does not have the expected JSON shape."
                : "Field '" + field + "' of the request body has the wrong type.";
    }

    private static String field(JacksonException failure) {
        if (failure instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
        }
        return null;
    }

    static void respond(Context ctx, int status, String message, String context, String exceptionName) {
        ctx.status(status).json(ErrorBody.of(message, context, exceptionName));
    }
}
