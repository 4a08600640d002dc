package dev.facet.store;

import dev.facet.core.error.AlreadyExists;
import dev.facet.core.lfs.LfsLock;
import dev.facet.core.name.Username;
import dev.facet.core.store.LfsLockRecords;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcLfsLockRecords implements LfsLockRecords {
    private static final String SELECT = "SELECT l.id, l.repository_id, l.path, l.owner_id, u.name AS owner_name, "
            + "l.locked_at FROM lfs_locks l JOIN users u ON u.id = l.owner_id ";
    private final Handle handle;

    JdbcLfsLockRecords(Handle handle) {
        this.handle = handle;
    }

    @Override
    public LfsLock create(long repositoryId, String path, long ownerId, Instant lockedAt) {
        if (findByPath(repositoryId, path).isPresent()) {
            throw new AlreadyExists("path", "'" + path + "' is already locked.");
        }
        long id = handle.createUpdate("INSERT INTO lfs_locks (repository_id, path, owner_id, locked_at) "
                        + "VALUES (:repositoryId, :path, :ownerId, :lockedAt)")
                .bind("repositoryId", repositoryId).bind("path", path).bind("ownerId", ownerId)
                .bind("lockedAt", Timestamps.toColumn(lockedAt))
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
        return find(repositoryId, id).orElseThrow();
    }

    @Override
    public Optional<LfsLock> find(long repositoryId, long lockId) {
        return handle.createQuery(SELECT + "WHERE l.repository_id = :repositoryId AND l.id = :id")
                .bind("repositoryId", repositoryId).bind("id", lockId).map(JdbcLfsLockRecords::map).findOne();
    }

    @Override
    public Optional<LfsLock> findByPath(long repositoryId, String path) {
        return handle.createQuery(SELECT + "WHERE l.repository_id = :repositoryId AND l.path = :path")
                .bind("repositoryId", repositoryId).bind("path", path).map(JdbcLfsLockRecords::map).findOne();
    }

    @Override
    public List<LfsLock> list(long repositoryId, long fromId, int limit) {
        return handle.createQuery(SELECT + "WHERE l.repository_id = :repositoryId AND l.id >= :fromId ORDER BY l.id "
                        + "LIMIT :limit")
                .bind("repositoryId", repositoryId).bind("fromId", fromId).bind("limit", limit)
                .map(JdbcLfsLockRecords::map).list();
    }

    @Override
    public List<LfsLock> listNotOwnedBy(long repositoryId, long ownerId) {
        return handle.createQuery(SELECT + "WHERE l.repository_id = :repositoryId AND l.owner_id <> :ownerId ORDER BY l.id")
                .bind("repositoryId", repositoryId).bind("ownerId", ownerId).map(JdbcLfsLockRecords::map).list();
    }

    @Override
    public long countHoldingRepository(long repositoryId) {
        handle.createQuery("SELECT id FROM repositories WHERE id = :repositoryId FOR UPDATE")
                .bind("repositoryId", repositoryId).mapTo(Long.class).findOne();
        return handle.createQuery("SELECT COUNT(*) FROM lfs_locks WHERE repository_id = :repositoryId")
                .bind("repositoryId", repositoryId).mapTo(Long.class).one();
    }

    @Override
    public boolean delete(long lockId) {
        return handle.createUpdate("DELETE FROM lfs_locks WHERE id = :id").bind("id", lockId).execute() > 0;
    }

    private static LfsLock map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new LfsLock(rs.getLong("id"), rs.getLong("repository_id"), rs.getString("path"), rs.getLong("owner_id"),
                Username.of(rs.getString("owner_name")), Timestamps.fromColumn(rs, "locked_at"));
    }
}
