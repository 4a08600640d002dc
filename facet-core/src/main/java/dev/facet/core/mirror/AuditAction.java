package dev.facet.core.mirror;

/** The lifecycle actions the audit trail records, on either side. */
public enum AuditAction {
    REQUEST, ACCEPT, REJECT, DELETE, RESTORE, PURGE, RECONNECT, PIN, ALERT, ACCEPT_UPSTREAM, REMOVED,
    /** A request under a mirror id that belongs to another key, refused. */
    REFUSE
}
