package dev.facet.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.facet.core.error.InvalidInput;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * The fields of a JSON request body read one by one, for updates where a field that is absent stays as it
 * was and one that is given, even as null, is a change: a field of the wrong type is a 400 naming it.
 * Bitbucket's clients send back whole objects they read, so read-only fields (ids, links, state) are let
 * through unread.
 */
final class RequestFields {
    private final ObjectNode body;

    private RequestFields(ObjectNode body) {
        this.body = body;
    }

    static RequestFields of(ObjectMapper json, Context ctx) throws JsonProcessingException {
        if (ctx.body().isBlank()) {
            throw new InvalidInput(null, "The request needs a JSON body.");
        }
        JsonNode body = json.readTree(ctx.body());
        if (body == null || !body.isObject()) {
            throw new InvalidInput(null, "The request body must be a JSON object.");
        }
        return new RequestFields((ObjectNode) body);
    }

    boolean has(String field) {
        return body.has(field);
    }

    /** Whether {@code field} is there with a value other than null. */
    boolean given(String field) {
        return body.hasNonNull(field);
    }

    /** The text in {@code field}: empty when absent; {@code Optional.of("")} stands for an explicit null. */
    Optional<String> text(String field) {
        JsonNode value = body.get(field);
        if (value == null) {
            return Optional.empty();
        }
        if (value.isNull()) {
            return Optional.of("");
        }
        if (!value.isTextual()) {
            throw new InvalidInput(field, "Field '" + field + "' must be a string.");
        }
        return Optional.of(value.textValue());
    }

    Optional<Boolean> bool(String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isBoolean()) {
            throw new InvalidInput(field, "Field '" + field + "' must be true or false.");
        }
        return Optional.of(value.booleanValue());
    }

    /** The text in {@code field} of the object in {@code object}, as {@code "project": {"key": "…"}} gives it. */
    Optional<String> nestedText(String object, String field) {
        JsonNode outer = body.get(object);
        if (outer == null || outer.isNull()) {
            return Optional.empty();
        }
        if (!outer.isObject()) {
            throw new InvalidInput(object, "Field '" + object + "' must be an object.");
        }
        JsonNode value = outer.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidInput(object + "." + field, "Field '" + object + "." + field + "' must be a string.");
        }
        return Optional.of(value.textValue());
    }

    /** Refuses {@code field} when it asks for something Facet does not do, rather than quietly ignoring it. */
    void refuseWhen(boolean asked, String field, String why) {
        if (asked) {
            throw new InvalidInput(field, "Facet cannot honour '" + field + "': " + why);
        }
    }
}
