package dev.facet.core.store;

import dev.facet.core.webhook.MirrorServedState;
import dev.facet.core.webhook.Webhook;
import dev.facet.core.webhook.WebhookDelivery;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Webhooks, their delivery history, and what mirrors report serving (which one webhook event is made of). */
public interface Webhooks {
    /** Stores a new hook (its id is assigned) and returns it. */
    Webhook create(Webhook webhook);

    Optional<Webhook> find(long id);

    /** The hooks of a project ({@code repositoryId} null) or of one of its repositories, oldest first. */
    List<Webhook> of(long projectId, Long repositoryId);

    /** Every active hook, for the deliveries to work through. */
    List<Webhook> active();

    /** Whether an active hook of the project or the repository subscribes to {@code eventKey}. */
    boolean anyListening(long projectId, long repositoryId, String eventKey);

    /** Saves what an administrator changed: name, URL, secret, events, active. */
    void update(Webhook webhook);

    boolean delete(long id);

    /** Switches every hook off (a staging copy must not call production's receivers); returns how many were on. */
    int deactivateAll();

    /** The hook has dealt with every event up to {@code cursor}; the next delivery is due at once. */
    void advance(long id, long cursor);

    /** The delivery after the cursor failed {@code failures} times in a row; it is tried again at {@code nextAttemptAt}. */
    void deferred(long id, int failures, Instant nextAttemptAt);

    /** Adds an attempt to the hook's history, keeping only its latest {@code keep} attempts. */
    void record(WebhookDelivery delivery, int keep);

    /** The latest attempts, newest first, optionally only of one event key or one outcome. */
    List<WebhookDelivery> deliveries(long webhookId, String eventKey, WebhookDelivery.Outcome outcome, int start,
                                     int limit);

    Optional<MirrorServedState> served(String mirrorId, long repositoryId);

    void saveServed(MirrorServedState state);
}
