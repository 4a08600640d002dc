package dev.facet.core.identity;

import java.util.Objects;

/**
 * What an answer's signature covers besides the request it answers: its HTTP status and its
 * body's digest, so that nobody on the way can turn a refusal into a yes or swap the body.
 */
public record AnswerBinding(int status, BodyDigest body) {
    public AnswerBinding {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("An HTTP status is between 100 and 599, not " + status);
        }
        Objects.requireNonNull(body, "body");
    }

    public static AnswerBinding of(int status, byte[] body) {
        return new AnswerBinding(status, BodyDigest.of(body));
    }
}
