package dev.facet.store;

import dev.facet.core.access.SshPublicKey;
import dev.facet.core.error.AlreadyExists;
import dev.facet.core.store.SshKey;
import dev.facet.core.store.SshKeys;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcSshKeys implements SshKeys {
    static final String SELECT = "SELECT id, user_id, key_text, label, algorithm_type, bit_length, fingerprint, "
            + "created_at FROM ssh_keys ";
    private final Handle handle;

    JdbcSshKeys(Handle handle) {
        this.handle = handle;
    }

    @Override
    public SshKey create(long userId, SshPublicKey key, String label, Instant createdAt) {
        if (findByFingerprint(key.fingerprint()).isPresent()) {
            throw alreadyRegistered();
        }
        long id;
        try {
            id = handle.createUpdate("INSERT INTO ssh_keys (user_id, key_text, label, algorithm_type, bit_length, "
                            + "fingerprint, created_at) VALUES (:userId, :text, :label, :algorithmType, :bitLength, "
                            + ":fingerprint, :createdAt)")
                    .bind("userId", userId).bind("text", key.text()).bind("label", label)
                    .bind("algorithmType", key.algorithmType()).bind("bitLength", key.bitLength())
                    .bind("fingerprint", key.fingerprint()).bind("createdAt", Timestamps.toColumn(createdAt))
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw alreadyRegistered();
            }
            throw e;
        }
        return new SshKey(id, userId, key.text(), label, key.algorithmType(), key.bitLength(), key.fingerprint(),
                createdAt);
    }

    private static AlreadyExists alreadyRegistered() {
        // Whose key it is stays unsaid: the answer must not tell one user about another's keys.
        return new AlreadyExists("text", "This SSH key is already registered; a key can belong to one user only.");
    }

    @Override
    public List<SshKey> listForUser(long userId) {
        return handle.createQuery(SELECT + "WHERE user_id = :userId ORDER BY id").bind("userId", userId)
                .map(JdbcSshKeys::map).list();
    }

    @Override
    public Optional<SshKey> find(long id) {
        return handle.createQuery(SELECT + "WHERE id = :id").bind("id", id).map(JdbcSshKeys::map).findOne();
    }

    @Override
    public Optional<SshKey> findByFingerprint(String fingerprint) {
        return handle.createQuery(SELECT + "WHERE fingerprint = :fingerprint").bind("fingerprint", fingerprint)
                .map(JdbcSshKeys::map).findOne();
    }

    @Override
    public boolean delete(long id) {
        return handle.createUpdate("DELETE FROM ssh_keys WHERE id = :id").bind("id", id).execute() > 0;
    }

    @Override
    public int deleteForUser(long userId) {
        return handle.createUpdate("DELETE FROM ssh_keys WHERE user_id = :userId").bind("userId", userId).execute();
    }

    static SshKey map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new SshKey(rs.getLong("id"), rs.getLong("user_id"), rs.getString("key_text"), rs.getString("label"),
                rs.getString("algorithm_type"), rs.getInt("bit_length"), rs.getString("fingerprint"),
                Timestamps.fromColumn(rs, "created_at"));
    }
}
