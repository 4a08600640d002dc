package dev.facet.store;

import dev.facet.core.store.Webhooks;
import dev.facet.core.webhook.MirrorServedState;
import dev.facet.core.webhook.Webhook;
import dev.facet.core.webhook.WebhookDelivery;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcWebhooks implements Webhooks {
    private static final String SELECT = "SELECT id, project_id, repository_id, name, url, secret, events, active, "
            + "created_at, updated_at, cursor_seq, failures, next_attempt_at FROM webhooks ";
    private static final String SELECT_DELIVERY = "SELECT id, webhook_id, event_seq, event_key, request_id, url, "
            + "attempt, started_at, finished_at, outcome, status_code, description FROM webhook_deliveries ";
    private final Handle handle;

    JdbcWebhooks(Handle handle) {
        this.handle = handle;
    }

    @Override
    public Webhook create(Webhook webhook) {
        long id = handle.createUpdate("INSERT INTO webhooks (project_id, repository_id, name, url, secret, events, "
                        + "active, created_at, updated_at, cursor_seq, failures, next_attempt_at) VALUES (:projectId, "
                        + ":repositoryId, :name, :url, :secret, :events, :active, :createdAt, :updatedAt, :cursor, "
                        + ":failures, :nextAttemptAt)")
                .bind("projectId", webhook.projectId()).bind("repositoryId", webhook.repositoryId())
                .bind("name", webhook.name()).bind("url", webhook.url()).bind("secret", webhook.secret())
                .bind("events", String.join(",", webhook.events())).bind("active", webhook.active())
                .bind("createdAt", Timestamps.toColumn(webhook.createdAt()))
                .bind("updatedAt", Timestamps.toColumn(webhook.updatedAt())).bind("cursor", webhook.cursor())
                .bind("failures", webhook.failures())
                .bind("nextAttemptAt", Timestamps.toNullableColumn(webhook.nextAttemptAt()))
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        return find(id).orElseThrow();
    }

    @Override
    public Optional<Webhook> find(long id) {
        return handle.createQuery(SELECT + "WHERE id = :id").bind("id", id).map(JdbcWebhooks::map).findOne();
    }

    @Override
    public List<Webhook> of(long projectId, Long repositoryId) {
        Query query = repositoryId == null
                ? handle.createQuery(SELECT + "WHERE project_id = :projectId AND repository_id IS NULL ORDER BY id")
                : handle.createQuery(SELECT + "WHERE project_id = :projectId AND repository_id = :repositoryId "
                        + "ORDER BY id").bind("repositoryId", repositoryId);
        return query.bind("projectId", projectId).map(JdbcWebhooks::map).list();
    }

    @Override
    public List<Webhook> active() {
        return handle.createQuery(SELECT + "WHERE active = TRUE ORDER BY id").map(JdbcWebhooks::map).list();
    }

    @Override
    public boolean anyListening(long projectId, long repositoryId, String eventKey) {
        return handle.createQuery("SELECT events FROM webhooks WHERE active = TRUE AND project_id = :projectId "
                        + "AND (repository_id IS NULL OR repository_id = :repositoryId)")
                .bind("projectId", projectId).bind("repositoryId", repositoryId).mapTo(String.class).stream()
                .anyMatch(events -> Arrays.asList(events.split(",")).contains(eventKey));
    }

    @Override
    public void update(Webhook webhook) {
        handle.createUpdate("UPDATE webhooks SET name = :name, url = :url, secret = :secret, events = :events, "
                        + "active = :active, updated_at = :updatedAt WHERE id = :id")
                .bind("id", webhook.id()).bind("name", webhook.name()).bind("url", webhook.url())
                .bind("secret", webhook.secret()).bind("events", String.join(",", webhook.events()))
                .bind("active", webhook.active()).bind("updatedAt", Timestamps.toColumn(webhook.updatedAt()))
                .execute();
    }

    @Override
    public boolean delete(long id) {
        return handle.createUpdate("DELETE FROM webhooks WHERE id = :id").bind("id", id).execute() > 0;
    }

    @Override
    public int deactivateAll() {
        return handle.createUpdate("UPDATE webhooks SET active = FALSE WHERE active = TRUE").execute();
    }

    @Override
    public void advance(long id, long cursor) {
        handle.createUpdate("UPDATE webhooks SET cursor_seq = :cursor, failures = 0, next_attempt_at = NULL "
                + "WHERE id = :id AND cursor_seq < :cursor").bind("id", id).bind("cursor", cursor).execute();
    }

    @Override
    public void deferred(long id, int failures, Instant nextAttemptAt) {
        handle.createUpdate("UPDATE webhooks SET failures = :failures, next_attempt_at = :at WHERE id = :id")
                .bind("id", id).bind("failures", failures).bind("at", Timestamps.toColumn(nextAttemptAt)).execute();
    }

    @Override
    public void record(WebhookDelivery delivery, int keep) {
        handle.createUpdate("INSERT INTO webhook_deliveries (webhook_id, event_seq, event_key, request_id, url, attempt, "
                        + "started_at, finished_at, outcome, status_code, description) VALUES (:webhookId, :eventSeq, "
                        + ":eventKey, :requestId, :url, :attempt, :startedAt, :finishedAt, :outcome, :statusCode, "
                        + ":description)")
                .bind("webhookId", delivery.webhookId()).bind("eventSeq", delivery.eventSequence())
                .bind("eventKey", delivery.eventKey()).bind("requestId", delivery.requestId())
                .bind("url", delivery.url()).bind("attempt", delivery.attempt())
                .bind("startedAt", Timestamps.toColumn(delivery.startedAt()))
                .bind("finishedAt", Timestamps.toColumn(delivery.finishedAt()))
                .bind("outcome", delivery.outcome().name()).bind("statusCode", delivery.statusCode())
                .bind("description", delivery.description() == null ? null
                        : delivery.description().substring(0, Math.min(1000, delivery.description().length())))
                .execute();
        handle.createQuery("SELECT id FROM webhook_deliveries WHERE webhook_id = :webhookId ORDER BY id DESC "
                        + "LIMIT 1 OFFSET :keep")
                .bind("webhookId", delivery.webhookId()).bind("keep", keep).mapTo(Long.class).findOne()
                .ifPresent(oldestDropped -> handle.createUpdate("DELETE FROM webhook_deliveries WHERE webhook_id = "
                                + ":webhookId AND id <= :oldest").bind("webhookId", delivery.webhookId())
                        .bind("oldest", oldestDropped).execute());
    }

    @Override
    public List<WebhookDelivery> deliveries(long webhookId, String eventKey, WebhookDelivery.Outcome outcome, int start,
                                            int limit) {
        return handle.createQuery(SELECT_DELIVERY + "WHERE webhook_id = :webhookId "
                        + "AND (CAST(:eventKey AS VARCHAR(64)) IS NULL OR event_key = :eventKey) "
                        + "AND (CAST(:outcome AS VARCHAR(16)) IS NULL OR outcome = :outcome) "
                        + "ORDER BY id DESC LIMIT :limit OFFSET :start")
                .bind("webhookId", webhookId).bind("eventKey", eventKey)
                .bind("outcome", outcome == null ? null : outcome.name()).bind("limit", limit).bind("start", start)
                .map(JdbcWebhooks::mapDelivery).list();
    }

    @Override
    public Optional<MirrorServedState> served(String mirrorId, long repositoryId) {
        return handle.createQuery("SELECT mirror_id, repository_id, refs_hash, event_seq, reported_at "
                        + "FROM mirror_served_states WHERE mirror_id = :mirrorId AND repository_id = :repositoryId")
                .bind("mirrorId", mirrorId).bind("repositoryId", repositoryId)
                .map((rs, ctx) -> new MirrorServedState(rs.getString("mirror_id"), rs.getLong("repository_id"),
                        rs.getString("refs_hash"), rs.getObject("event_seq", Long.class),
                        Timestamps.fromColumn(rs, "reported_at")))
                .findOne();
    }

    @Override
    public void saveServed(MirrorServedState state) {
        int updated = handle.createUpdate("UPDATE mirror_served_states SET refs_hash = :refsHash, event_seq = :eventSeq, "
                        + "reported_at = :reportedAt WHERE mirror_id = :mirrorId AND repository_id = :repositoryId")
                .bind("mirrorId", state.mirrorId()).bind("repositoryId", state.repositoryId())
                .bind("refsHash", state.refsHash()).bind("eventSeq", state.eventSequence())
                .bind("reportedAt", Timestamps.toColumn(state.reportedAt())).execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO mirror_served_states (mirror_id, repository_id, refs_hash, event_seq, "
                            + "reported_at) VALUES (:mirrorId, :repositoryId, :refsHash, :eventSeq, :reportedAt)")
                    .bind("mirrorId", state.mirrorId()).bind("repositoryId", state.repositoryId())
                    .bind("refsHash", state.refsHash()).bind("eventSeq", state.eventSequence())
                    .bind("reportedAt", Timestamps.toColumn(state.reportedAt())).execute();
        }
    }

    private static Webhook map(ResultSet rs, StatementContext ctx) throws SQLException {
        String events = rs.getString("events");
        return new Webhook(rs.getLong("id"), rs.getLong("project_id"), rs.getObject("repository_id", Long.class),
                rs.getString("name"), rs.getString("url"), rs.getString("secret"),
                events.isEmpty() ? List.of() : List.of(events.split(",")), rs.getBoolean("active"),
                Timestamps.fromColumn(rs, "created_at"), Timestamps.fromColumn(rs, "updated_at"),
                rs.getLong("cursor_seq"), rs.getInt("failures"), Timestamps.fromNullableColumn(rs, "next_attempt_at"));
    }

    private static WebhookDelivery mapDelivery(ResultSet rs, StatementContext ctx) throws SQLException {
        return new WebhookDelivery(rs.getLong("id"), rs.getLong("webhook_id"), rs.getObject("event_seq", Long.class),
                rs.getString("event_key"), rs.getString("request_id"), rs.getString("url"), rs.getInt("attempt"),
                Timestamps.fromColumn(rs, "started_at"), Timestamps.fromColumn(rs, "finished_at"),
                WebhookDelivery.Outcome.valueOf(rs.getString("outcome")), rs.getObject("status_code", Integer.class),
                rs.getString("description"));
    }
}
