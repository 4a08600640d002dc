package dev.facet.store;

import dev.facet.core.error.AlreadyExists;
import dev.facet.core.mirror.FarmNode;
import dev.facet.core.store.FarmNodes;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcFarmNodes implements FarmNodes {
    private static final String SELECT = "SELECT id, mirror_id, name, url, public_key, created_at, vouched_by, last_seen, "
            + "reported_state, version FROM farm_nodes ";
    private final Handle handle;

    JdbcFarmNodes(Handle handle) {
        this.handle = handle;
    }

    @Override
    public void add(FarmNode node) {
        try {
            insert(node);
        } catch (RuntimeException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new AlreadyExists("id", "Farm node " + node.id() + " is registered already.");
            }
            throw e;
        }
    }

    private void insert(FarmNode node) {
        handle.createUpdate("INSERT INTO farm_nodes (id, mirror_id, name, url, public_key, created_at, vouched_by, "
                        + "last_seen, reported_state, version) VALUES (:id, :mirrorId, :name, :url, :publicKey, "
                        + ":createdAt, :vouchedBy, :lastSeen, :state, :version)")
                .bind("id", node.id()).bind("mirrorId", node.mirrorId()).bind("name", node.name())
                .bind("url", node.url()).bind("publicKey", node.publicKey())
                .bind("createdAt", Timestamps.toColumn(node.createdAt())).bind("vouchedBy", node.vouchedBy())
                .bind("lastSeen", Timestamps.toNullableColumn(node.lastSeen())).bind("state", node.reportedState())
                .bind("version", node.version()).execute();
    }

    @Override
    public Optional<FarmNode> find(String nodeId) {
        return handle.createQuery(SELECT + "WHERE id = :id").bind("id", nodeId).map(JdbcFarmNodes::map).findOne();
    }

    @Override
    public List<FarmNode> ofMirror(String mirrorId) {
        return handle.createQuery(SELECT + "WHERE mirror_id = :mirrorId ORDER BY created_at, id")
                .bind("mirrorId", mirrorId).map(JdbcFarmNodes::map).list();
    }

    @Override
    public int countOfMirror(String mirrorId) {
        return handle.createQuery("SELECT COUNT(*) FROM farm_nodes WHERE mirror_id = :mirrorId")
                .bind("mirrorId", mirrorId).mapTo(Integer.class).one();
    }

    @Override
    public void recordHeartbeat(String nodeId, Instant seenAt, String reportedState, String version) {
        handle.createUpdate("UPDATE farm_nodes SET last_seen = :seen, reported_state = :state, version = :version "
                        + "WHERE id = :id")
                .bind("seen", Timestamps.toColumn(seenAt)).bind("state", reportedState).bind("version", version)
                .bind("id", nodeId).execute();
    }

    @Override
    public void delete(String nodeId) {
        handle.createUpdate("DELETE FROM farm_nodes WHERE id = :id").bind("id", nodeId).execute();
    }

    @Override
    public int deleteAll() {
        return handle.createUpdate("DELETE FROM farm_nodes").execute();
    }

    private static FarmNode map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new FarmNode(rs.getString("id"), rs.getString("mirror_id"), rs.getString("name"), rs.getString("url"),
                rs.getString("public_key"), Timestamps.fromColumn(rs, "created_at"), rs.getString("vouched_by"),
                Timestamps.fromNullableColumn(rs, "last_seen"), rs.getString("reported_state"), rs.getString("version"));
    }
}
