package dev.facet.core.event;

/** What changed on the primary; mirrors act on each kind. */
public enum EventType {
    REPOSITORY_CREATED,
    REPOSITORY_DELETED,
    REPOSITORY_RENAMED,
    REFS_CHANGED,
    PERMISSIONS_CHANGED,
    /** Which projects a mirror carries changed; mirrors reconcile. */
    MIRROR_SELECTION_CHANGED,
    /**
     * A mirror reported that it serves a repository at a state a push produced. Kept in the outbox only so that
     * webhooks deliver it in order with the pushes; no mirror is ever shown one.
     */
    MIRROR_SYNCHRONIZED
}
