package dev.facet.core.mirror;

import java.time.Instant;

/**
 * One lifecycle action in the audit trail: who did what, when, and which instance (the other
 * side of the relation: the mirror on a primary, the upstream on a mirror) it concerned.
 */
public record AuditEntry(long id, Instant at, String actor, AuditAction action, String instanceId,
                         String instanceUrl, String details) {
}
