package dev.facet.core.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A webhook of a project (every repository in it) or of one repository, and where its deliveries stand.
 * Deliveries are derived from the event outbox: {@code cursor} is the last event this hook has dealt with
 * (delivered, or found not to concern it), so whatever comes after it is still owed, and a restart resumes there.
 *
 * @param repositoryId  the repository, or null for a project's webhook
 * @param secret        the key of the {@code X-Hub-Signature} HMAC, or null for unsigned deliveries
 * @param events        the event keys it subscribes to, as Bitbucket names them ({@code repo:refs_changed}, …)
 * @param failures      how many attempts at the delivery after {@code cursor} failed in a row
 * @param nextAttemptAt when that delivery is tried again, or null when it is due at once
 */
public record Webhook(long id, long projectId, Long repositoryId, String name, String url, String secret,
                      List<String> events, boolean active, Instant createdAt, Instant updatedAt, long cursor,
                      int failures, Instant nextAttemptAt) {
    public Webhook {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        events = List.copyOf(events);
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public boolean isProjectWide() {
        return repositoryId == null;
    }

    public boolean subscribes(String eventKey) {
        return events.contains(eventKey);
    }

    /** The same hook with what an administrator may change replaced; where its deliveries stand stays. */
    public Webhook withSettings(String name, String url, String secret, List<String> events, boolean active,
                                Instant updatedAt) {
        return new Webhook(id, projectId, repositoryId, name, url, secret, events, active, createdAt, updatedAt,
                cursor, failures, nextAttemptAt);
    }
}
