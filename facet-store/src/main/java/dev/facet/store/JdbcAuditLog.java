package dev.facet.store;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.AuditEntry;
import dev.facet.core.store.AuditLog;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

final class JdbcAuditLog implements AuditLog {
    private final Handle handle;

    JdbcAuditLog(Handle handle) {
        this.handle = handle;
    }

    @Override
    public void record(Instant at, String actor, AuditAction action, String instanceId, String instanceUrl,
                       String details) {
        handle.createUpdate("INSERT INTO audit_log (happened_at, actor, action, instance_id, instance_url, details) "
                        + "VALUES (:at, :actor, :action, :instanceId, :instanceUrl, :details)")
                .bind("at", Timestamps.toColumn(at)).bind("actor", actor).bind("action", action.name())
                .bind("instanceId", instanceId).bind("instanceUrl", instanceUrl)
                .bind("details", details == null || details.length() <= 4000 ? details : details.substring(0, 4000))
                .execute();
    }

    @Override
    public List<AuditEntry> list(int start, int limit) {
        return handle.createQuery("SELECT id, happened_at, actor, action, instance_id, instance_url, details "
                        + "FROM audit_log ORDER BY id DESC LIMIT :limit OFFSET :start")
                .bind("limit", limit).bind("start", start)
                .map((rs, ctx) -> new AuditEntry(rs.getLong("id"), Timestamps.fromColumn(rs, "happened_at"),
                        rs.getString("actor"), AuditAction.valueOf(rs.getString("action")), rs.getString("instance_id"),
                        rs.getString("instance_url"), rs.getString("details")))
                .list();
    }
}
