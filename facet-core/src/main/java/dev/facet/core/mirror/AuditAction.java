package dev.facet.core.mirror;

/** The lifecycle actions the audit trail records, on either side. */
public enum AuditAction {
    REQUEST, ACCEPT, REJECT, DELETE, RESTORE, PURGE, RECONNECT, PIN, ALERT, ACCEPT_UPSTREAM, REMOVED
}
