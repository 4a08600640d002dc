package dev.facet.core.store;

import java.time.Instant;

/**
 * The SSH logins a mirror has passed on with a push, by the digest of their session id: each login
 * proof is taken once, so a mirror cannot push twice, or later, on the strength of one login.
 */
public interface UsedSshLogins {
    /** @return false when this session's proof was taken before (and nothing is recorded) */
    boolean take(String sessionDigest, String mirrorId, String keyFingerprint, Instant takenAt);
}
