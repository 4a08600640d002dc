package dev.facet.store;

import dev.facet.core.store.UsedSshLogins;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

final class JdbcUsedSshLogins implements UsedSshLogins {
    private final Handle handle;

    JdbcUsedSshLogins(Handle handle) {
        this.handle = handle;
    }

    @Override
    public Optional<Taken> find(String sessionDigest) {
        return handle.createQuery("SELECT mirror_id, key_fingerprint, taken_at FROM used_ssh_logins "
                        + "WHERE session_digest = :digest")
                .bind("digest", sessionDigest)
                .map((row, context) -> new Taken(row.getString("mirror_id"), row.getString("key_fingerprint"),
                        Timestamps.fromColumn(row, "taken_at")))
                .findOne();
    }

    @Override
    public boolean take(String sessionDigest, String mirrorId, String keyFingerprint, Instant takenAt) {
        try {
            handle.createUpdate("INSERT INTO used_ssh_logins (session_digest, mirror_id, key_fingerprint, taken_at) "
                            + "VALUES (:digest, :mirrorId, :fingerprint, :takenAt)")
                    .bind("digest", sessionDigest).bind("mirrorId", mirrorId).bind("fingerprint", keyFingerprint)
                    .bind("takenAt", Timestamps.toColumn(takenAt)).execute();
            return true;
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }
}
