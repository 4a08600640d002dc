package dev.facet.core.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The SSH logins a mirror has passed on with a push, by the digest of their session id: the first
 * push of a login records which mirror took it, for which key and when, so that no other mirror
 * can push on the strength of it and the one that took it only for a bounded time.
 */
public interface UsedSshLogins {
    /** Who first took a login, and when. */
    record Taken(String mirrorId, String keyFingerprint, Instant takenAt) {
    }

    /** The login's first taking, if it was taken before. */
    Optional<Taken> find(String sessionDigest);

    /** @return false when this session's proof was taken before (and nothing is recorded) */
    boolean take(String sessionDigest, String mirrorId, String keyFingerprint, Instant takenAt);
}
