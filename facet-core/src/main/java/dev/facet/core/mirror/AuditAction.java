package dev.facet.core.mirror;

/** The actions the audit trail records, on either side: mirror lifecycle, then accounts and pushes. */
public enum AuditAction {
    REQUEST, ACCEPT, REJECT, DELETE, RESTORE, PURGE, RECONNECT, PIN, ALERT, ACCEPT_UPSTREAM, REMOVED,
    /** A request under a mirror id that belongs to another key, refused. */
    REFUSE,
    /** A node of a farm added to it by a node already trusted, without an administrator. */
    VOUCH,
    /** A farm node taken out by an administrator: its key stops working at once. */
    NODE_REMOVE,
    /** A farm node's copy of a repository that had left the farm's published state, brought back to it. */
    REPAIR,
    SIGN_IN, SIGN_IN_FAILED, TOKEN_CREATE, TOKEN_UPDATE, TOKEN_REVOKE, PASSWORD_CHANGE, USER_CREATE, USER_DISABLE, USER_ENABLE,
    USER_DELETE, PUSH, GROUP_CREATE, GROUP_DELETE, GROUP_MEMBER_ADD, GROUP_MEMBER_REMOVE,
    /** A user's or group's global permission granted, changed or revoked. */
    GLOBAL_PERMISSION,
    SSH_KEY_ADD, SSH_KEY_DELETE
}
