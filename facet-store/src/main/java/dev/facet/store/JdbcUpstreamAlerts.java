package dev.facet.store;

import dev.facet.core.mirror.UpstreamAlert;
import dev.facet.core.store.UpstreamAlerts;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

final class JdbcUpstreamAlerts implements UpstreamAlerts {
    private final Handle handle;

    JdbcUpstreamAlerts(Handle handle) {
        this.handle = handle;
    }

    @Override
    public boolean raise(UpstreamAlert.Kind kind, Instant at, String details) {
        boolean open = handle.createQuery("SELECT COUNT(*) FROM alerts WHERE kind = :kind AND resolved_at IS NULL")
                .bind("kind", kind.name()).mapTo(Long.class).one() > 0;
        if (open) {
            return false;
        }
        handle.createUpdate("INSERT INTO alerts (kind, raised_at, details) VALUES (:kind, :at, :details)")
                .bind("kind", kind.name()).bind("at", Timestamps.toColumn(at))
                .bind("details", details.length() <= 4000 ? details : details.substring(0, 4000)).execute();
        return true;
    }

    @Override
    public List<UpstreamAlert> open() {
        return handle.createQuery("SELECT id, kind, raised_at, details FROM alerts WHERE resolved_at IS NULL ORDER BY id")
                .map((rs, ctx) -> new UpstreamAlert(rs.getLong("id"), UpstreamAlert.Kind.valueOf(rs.getString("kind")),
                        Timestamps.fromColumn(rs, "raised_at"), rs.getString("details")))
                .list();
    }

    @Override
    public int resolveAll(Instant at, String by) {
        return handle.createUpdate("UPDATE alerts SET resolved_at = :at, resolved_by = :by WHERE resolved_at IS NULL")
                .bind("at", Timestamps.toColumn(at)).bind("by", by).execute();
    }
}
