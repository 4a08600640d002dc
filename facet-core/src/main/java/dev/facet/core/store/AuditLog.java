package dev.facet.core.store;

import dev.facet.core.mirror.AuditAction;
import dev.facet.core.mirror.AuditEntry;
import java.time.Instant;
import java.util.List;

/** The lifecycle audit trail of an instance. */
public interface AuditLog {
    void record(Instant at, String actor, AuditAction action, String instanceId, String instanceUrl, String details);

    /** Newest first. */
    List<AuditEntry> list(int start, int limit);
}
