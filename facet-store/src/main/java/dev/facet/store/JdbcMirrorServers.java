package dev.facet.store;

import dev.facet.core.mirror.MirrorOffload;
import dev.facet.core.mirror.MirrorServer;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.store.MirrorServers;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcMirrorServers implements MirrorServers {
    private static final String SELECT = "SELECT id, name, base_url, public_key, mirror_type, all_projects, created_at, "
            + "last_seen, reported_state, version, repositories_in_sync, repositories_behind, report, removed_at, "
            + "purge_after, removed_by FROM mirror_servers ";
    private final Handle handle;

    JdbcMirrorServers(Handle handle) {
        this.handle = handle;
    }

    @Override
    public void register(MirrorServer mirror) {
        int updated = handle.createUpdate("UPDATE mirror_servers SET name = :name, base_url = :baseUrl, "
                        + "public_key = :publicKey, mirror_type = :type WHERE id = :id")
                .bind("id", mirror.id()).bind("name", mirror.name()).bind("baseUrl", mirror.baseUrl())
                .bind("publicKey", mirror.publicKey()).bind("type", mirror.type().name()).execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO mirror_servers (id, name, base_url, public_key, mirror_type, all_projects, "
                            + "created_at, repositories_in_sync, repositories_behind) "
                            + "VALUES (:id, :name, :baseUrl, :publicKey, :type, :allProjects, :createdAt, 0, 0)")
                    .bind("id", mirror.id()).bind("name", mirror.name()).bind("baseUrl", mirror.baseUrl())
                    .bind("publicKey", mirror.publicKey()).bind("type", mirror.type().name())
                    .bind("allProjects", mirror.allProjects())
                    .bind("createdAt", Timestamps.toColumn(mirror.createdAt())).execute();
        }
    }

    @Override
    public Optional<MirrorServer> find(String mirrorId) {
        return handle.createQuery(SELECT + "WHERE id = :id").bind("id", mirrorId).map(JdbcMirrorServers::map).findOne();
    }

    @Override
    public List<MirrorServer> list(int start, int limit) {
        return handle.createQuery(SELECT + "ORDER BY name, id LIMIT :limit OFFSET :start")
                .bind("limit", limit).bind("start", start).map(JdbcMirrorServers::map).list();
    }

    @Override
    public void recordHeartbeat(String mirrorId, Instant seenAt, String reportedState, String version, int inSync,
                                int behind, String report) {
        handle.createUpdate("UPDATE mirror_servers SET last_seen = :seen, reported_state = :state, version = :version, "
                        + "repositories_in_sync = :inSync, repositories_behind = :behind, report = :report WHERE id = :id")
                .bind("seen", Timestamps.toColumn(seenAt)).bind("state", reportedState).bind("version", version)
                .bind("inSync", inSync).bind("behind", behind).bind("report", report).bind("id", mirrorId).execute();
    }

    @Override
    public void select(String mirrorId, boolean allProjects, Set<Long> projectIds) {
        handle.createUpdate("UPDATE mirror_servers SET all_projects = :all WHERE id = :id")
                .bind("all", allProjects).bind("id", mirrorId).execute();
        handle.createUpdate("DELETE FROM mirror_projects WHERE mirror_id = :id").bind("id", mirrorId).execute();
        for (long projectId : projectIds) {
            handle.createUpdate("INSERT INTO mirror_projects (mirror_id, project_id) VALUES (:id, :projectId)")
                    .bind("id", mirrorId).bind("projectId", projectId).execute();
        }
    }

    @Override
    public void markRemoved(String mirrorId, Instant removedAt, Instant purgeAfter, String removedBy) {
        handle.createUpdate("UPDATE mirror_servers SET removed_at = :removedAt, purge_after = :purgeAfter, "
                        + "removed_by = :removedBy WHERE id = :id")
                .bind("removedAt", Timestamps.toNullableColumn(removedAt))
                .bind("purgeAfter", Timestamps.toNullableColumn(purgeAfter)).bind("removedBy", removedBy)
                .bind("id", mirrorId).execute();
    }

    @Override
    public List<MirrorServer> removedBefore(Instant now) {
        return handle.createQuery(SELECT + "WHERE purge_after IS NOT NULL AND purge_after < :now")
                .bind("now", Timestamps.toColumn(now)).map(JdbcMirrorServers::map).list();
    }

    @Override
    public void delete(String mirrorId) {
        handle.createUpdate("DELETE FROM mirror_servers WHERE id = :id").bind("id", mirrorId).execute();
    }

    @Override
    public int deleteAll() {
        return handle.createUpdate("DELETE FROM mirror_servers").execute();
    }

    @Override
    public Set<Long> selectedProjects(String mirrorId) {
        return new HashSet<>(handle.createQuery("SELECT project_id FROM mirror_projects WHERE mirror_id = :id")
                .bind("id", mirrorId).mapTo(Long.class).list());
    }

    private static MirrorServer map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new MirrorServer(rs.getString("id"), rs.getString("name"), rs.getString("base_url"),
                rs.getString("public_key"), MirrorType.valueOf(rs.getString("mirror_type")),
                rs.getBoolean("all_projects"), Timestamps.fromColumn(rs, "created_at"),
                Timestamps.fromNullableColumn(rs, "last_seen"), rs.getString("reported_state"), rs.getString("version"),
                rs.getInt("repositories_in_sync"), rs.getInt("repositories_behind"), rs.getString("report"),
                Timestamps.fromNullableColumn(rs, "removed_at"), Timestamps.fromNullableColumn(rs, "purge_after"),
                rs.getString("removed_by"));
    }

    @Override
    public void recordOffload(String nodeId, String mirrorId, MirrorOffload counts, Instant reportedAt) {
        int updated = handle.createUpdate("UPDATE mirror_offload SET mirror_id = :mirrorId, clones = :clones, "
                        + "fetches = :fetches, bytes_served = :served, pushes_forwarded = :pushes, "
                        + "bytes_forwarded = :forwarded, bytes_fetched = :fetched, reported_at = :at WHERE node_id = :node")
                .bindMap(offloadColumns(nodeId, mirrorId, counts, reportedAt)).execute();
        if (updated == 0) {
            handle.createUpdate("INSERT INTO mirror_offload (node_id, mirror_id, clones, fetches, bytes_served, "
                            + "pushes_forwarded, bytes_forwarded, bytes_fetched, reported_at) VALUES (:node, :mirrorId, "
                            + ":clones, :fetches, :served, :pushes, :forwarded, :fetched, :at)")
                    .bindMap(offloadColumns(nodeId, mirrorId, counts, reportedAt)).execute();
        }
    }

    private static java.util.Map<String, Object> offloadColumns(String nodeId, String mirrorId, MirrorOffload counts,
                                                                Instant reportedAt) {
        java.util.Map<String, Object> columns = new java.util.HashMap<>();
        columns.put("node", nodeId);
        columns.put("mirrorId", mirrorId);
        columns.put("clones", counts.clones());
        columns.put("fetches", counts.fetches());
        columns.put("served", counts.bytesServed());
        columns.put("pushes", counts.pushesForwarded());
        columns.put("forwarded", counts.bytesForwarded());
        columns.put("fetched", counts.bytesFetched());
        columns.put("at", Timestamps.toColumn(reportedAt));
        return columns;
    }

    @Override
    public MirrorOffload offload(String mirrorId) {
        return handle.createQuery("SELECT clones, fetches, bytes_served, pushes_forwarded, bytes_forwarded, "
                        + "bytes_fetched FROM mirror_offload WHERE mirror_id = :mirrorId")
                .bind("mirrorId", mirrorId)
                .map((rs, ctx) -> new MirrorOffload(rs.getLong("clones"), rs.getLong("fetches"),
                        rs.getLong("bytes_served"), rs.getLong("pushes_forwarded"), rs.getLong("bytes_forwarded"),
                        rs.getLong("bytes_fetched")))
                .list().stream().reduce(MirrorOffload.NONE, MirrorOffload::plus);
    }

    @Override
    public Optional<String> preferredBy(long userId) {
        return handle.createQuery("SELECT mirror_id FROM preferred_mirrors WHERE user_id = :user")
                .bind("user", userId).mapTo(String.class).findOne();
    }

    @Override
    public void prefer(long userId, String mirrorId) {
        handle.createUpdate("DELETE FROM preferred_mirrors WHERE user_id = :user").bind("user", userId).execute();
        if (mirrorId != null) {
            handle.createUpdate("INSERT INTO preferred_mirrors (user_id, mirror_id) VALUES (:user, :mirror)")
                    .bind("user", userId).bind("mirror", mirrorId).execute();
        }
    }
}
