package dev.facet.store;

import dev.facet.core.event.Event;
import dev.facet.core.event.EventChain;
import dev.facet.core.event.EventType;
import dev.facet.core.store.Events;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcEvents implements Events {
    private final Handle handle;
    private final Optional<String> noticeSender;

    /** Events bound to one transaction; with a {@code noticeSender}, each append tells the database's listeners. */
    JdbcEvents(Handle handle, Optional<String> noticeSender) {
        this.handle = handle;
        this.noticeSender = noticeSender;
    }

    @Override
    public Event append(EventType type, Long repositoryId, String payload, Instant createdAt) {
        EventChain.Link head = handle.createQuery("SELECT last_seq, last_hash FROM event_head WHERE id = 1 FOR UPDATE")
                .map((rs, ctx) -> new EventChain.Link(rs.getLong("last_seq"), rs.getString("last_hash"))).one();
        long sequence = head.sequence() + 1;
        Instant at = EventChain.timestamp(createdAt);
        String hash = EventChain.hash(head.hash(), sequence, type, repositoryId, payload, at);
        handle.createUpdate("INSERT INTO events (seq, event_type, repository_id, payload, created_at, previous_hash, event_hash) "
                        + "VALUES (:seq, :type, :repositoryId, :payload, :createdAt, :previousHash, :hash)")
                .bind("seq", sequence).bind("type", type.name()).bind("repositoryId", repositoryId)
                .bind("payload", payload).bind("createdAt", Timestamps.toColumn(at))
                .bind("previousHash", head.hash()).bind("hash", hash).execute();
        handle.createUpdate("UPDATE event_head SET last_seq = :seq, last_hash = :hash WHERE id = 1")
                .bind("seq", sequence).bind("hash", hash).execute();
        // PostgreSQL sends it when the transaction commits, and never if it rolls back; it folds repeats into one.
        noticeSender.ifPresent(sender -> handle.createQuery("SELECT 1 FROM (SELECT pg_notify(:channel, :sender)) sent")
                .bind("channel", PostgresEventSignal.CHANNEL).bind("sender", sender).mapTo(Integer.class).one());
        return new Event(sequence, type, repositoryId, payload, at, head.hash(), hash);
    }

    @Override
    public List<Event> after(long sequence, int limit) {
        return handle.createQuery("SELECT seq, event_type, repository_id, payload, created_at, previous_hash, event_hash "
                        + "FROM events WHERE seq > :seq ORDER BY seq LIMIT :limit")
                .bind("seq", sequence).bind("limit", limit).map(JdbcEvents::map).list();
    }

    @Override
    public List<Event> ofRepository(long repositoryId, EventType type, long sequence, int limit) {
        return handle.createQuery("SELECT seq, event_type, repository_id, payload, created_at, previous_hash, event_hash "
                        + "FROM events WHERE repository_id = :repositoryId AND event_type = :type AND seq > :seq "
                        + "ORDER BY seq LIMIT :limit")
                .bind("repositoryId", repositoryId).bind("type", type.name()).bind("seq", sequence)
                .bind("limit", limit).map(JdbcEvents::map).list();
    }

    @Override
    public EventChain.Link head() {
        return handle.createQuery("SELECT last_seq, last_hash FROM event_head WHERE id = 1")
                .map((rs, ctx) -> new EventChain.Link(rs.getLong("last_seq"), rs.getString("last_hash"))).one();
    }

    @Override
    public long oldestRetained() {
        Long oldest = handle.createQuery("SELECT MIN(seq) FROM events").mapTo(Long.class).one();
        return oldest != null ? oldest : head().sequence() + 1;
    }

    @Override
    public int deleteCreatedBefore(Instant cutoff) {
        return handle.createUpdate("DELETE FROM events WHERE created_at < :cutoff")
                .bind("cutoff", Timestamps.toColumn(cutoff)).execute();
    }

    private static Event map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Event(rs.getLong("seq"), EventType.valueOf(rs.getString("event_type")),
                rs.getObject("repository_id", Long.class), rs.getString("payload"), Timestamps.fromColumn(rs, "created_at"),
                rs.getString("previous_hash"), rs.getString("event_hash"));
    }
}
