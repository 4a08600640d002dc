package dev.facet.core.webhook;

import java.time.Instant;
import java.util.Objects;

/**
 * One attempt to deliver an event to a webhook, as its history shows it.
 *
 * @param eventSequence the outbox event delivered, or null for a test ping
 * @param requestId     the {@code X-Request-Id} sent; every attempt at one event carries the same one
 * @param statusCode    the receiver's HTTP status, or null when no answer came
 * @param description   what happened, in a line
 */
public record WebhookDelivery(long id, long webhookId, Long eventSequence, String eventKey, String requestId,
                              String url, int attempt, Instant startedAt, Instant finishedAt, Outcome outcome,
                              Integer statusCode, String description) {
    /** Bitbucket's outcomes: a 2xx answer, another answer, or no answer at all (refused, timed out, unreachable). */
    public enum Outcome { SUCCESS, FAILURE, ERROR }

    public WebhookDelivery {
        Objects.requireNonNull(eventKey, "eventKey");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(outcome, "outcome");
    }
}
