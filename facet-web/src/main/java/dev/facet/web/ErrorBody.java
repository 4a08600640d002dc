package dev.facet.web;

import java.util.List;

/** The error body every failed REST request answers with: {@code {"errors":[{"message","context","exceptionName"}]}}. */
public record ErrorBody(List<Error> errors) {
    public record Error(String message, String context, String exceptionName) {
    }

    public static ErrorBody of(String message, String context, String exceptionName) {
        return new ErrorBody(List.of(new Error(message, context, exceptionName)));
    }
}
