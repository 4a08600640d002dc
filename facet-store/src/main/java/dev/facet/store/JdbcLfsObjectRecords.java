package dev.facet.store;

import dev.facet.core.lfs.LfsOid;
import dev.facet.core.lfs.LfsPointer;
import dev.facet.core.lfs.LfsUsage;
import dev.facet.core.store.LfsObjectRecords;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

final class JdbcLfsObjectRecords implements LfsObjectRecords {
    private final Handle handle;

    JdbcLfsObjectRecords(Handle handle) {
        this.handle = handle;
    }

    @Override
    public void add(long repositoryId, LfsPointer pointer) {
        // Portable on H2 and PostgreSQL, and no failed statement to abort a PostgreSQL transaction.
        handle.createUpdate("INSERT INTO lfs_objects (repository_id, oid, size) SELECT :repositoryId, :oid, :size "
                        + "WHERE NOT EXISTS (SELECT 1 FROM lfs_objects "
                        + "WHERE repository_id = :repositoryId AND oid = :oid)")
                .bind("repositoryId", repositoryId).bind("oid", pointer.oid().value()).bind("size", pointer.size())
                .execute();
    }

    @Override
    public Map<LfsOid, Long> held(long repositoryId, Collection<LfsOid> oids) {
        Map<LfsOid, Long> held = new HashMap<>();
        if (oids.isEmpty()) {
            return held;
        }
        handle.createQuery("SELECT oid, size FROM lfs_objects WHERE repository_id = :repositoryId AND oid IN (<oids>)")
                .bind("repositoryId", repositoryId)
                .bindList("oids", oids.stream().map(LfsOid::value).distinct().toList())
                .map((rs, ctx) -> Map.entry(LfsOid.of(rs.getString("oid")), rs.getLong("size")))
                .forEach(entry -> held.put(entry.getKey(), entry.getValue()));
        return held;
    }

    @Override
    public LfsUsage usage(long repositoryId) {
        return handle.createQuery("SELECT COUNT(*) AS objects, COALESCE(SUM(size), 0) AS bytes FROM lfs_objects "
                        + "WHERE repository_id = :repositoryId")
                .bind("repositoryId", repositoryId)
                .map((rs, ctx) -> new LfsUsage(rs.getLong("objects"), rs.getLong("bytes"))).one();
    }

    @Override
    public List<LfsOid> oidsOf(long repositoryId) {
        return handle.createQuery("SELECT oid FROM lfs_objects WHERE repository_id = :repositoryId ORDER BY oid")
                .bind("repositoryId", repositoryId).map((rs, ctx) -> LfsOid.of(rs.getString("oid"))).list();
    }

    @Override
    public boolean heldByAny(LfsOid oid) {
        return handle.createQuery("SELECT COUNT(*) FROM lfs_objects WHERE oid = :oid").bind("oid", oid.value())
                .mapTo(Long.class).one() > 0;
    }

    @Override
    public List<LfsPointer> listAll(int start, int limit) {
        return handle.createQuery("SELECT oid, MAX(size) AS size FROM lfs_objects GROUP BY oid ORDER BY oid "
                        + "LIMIT :limit OFFSET :start")
                .bind("start", start).bind("limit", limit)
                .map((rs, ctx) -> new LfsPointer(LfsOid.of(rs.getString("oid")), rs.getLong("size"))).list();
    }
}
