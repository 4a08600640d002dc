package dev.facet.store;

import dev.facet.core.mirror.MirrorRequest;
import dev.facet.core.mirror.MirrorType;
import dev.facet.core.mirror.RequestState;
import dev.facet.core.mirror.protocol.FarmNodeDescription;
import dev.facet.core.store.MirrorRequests;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcMirrorRequests implements MirrorRequests {
    private static final String SELECT = "SELECT id, mirror_id, name, base_url, public_key, mirror_type, state, "
            + "created_at, decided_at, decided_by, source_address, node_id, node_name, node_url, product_version FROM mirror_requests ";
    private final Handle handle;

    JdbcMirrorRequests(Handle handle) {
        this.handle = handle;
    }

    @Override
    public void create(MirrorRequest request) {
        FarmNodeDescription node = request.node();
        handle.createUpdate("INSERT INTO mirror_requests (id, mirror_id, name, base_url, public_key, mirror_type, state, "
                        + "created_at, decided_at, decided_by, source_address, node_id, node_name, node_url, product_version) VALUES (:id, "
                        + ":mirrorId, :name, :baseUrl, :publicKey, :type, :state, :createdAt, :decidedAt, :decidedBy, "
                        + ":sourceAddress, :nodeId, :nodeName, :nodeUrl, :productVersion)")
                .bind("id", request.id()).bind("mirrorId", request.mirrorId()).bind("name", request.name())
                .bind("baseUrl", request.baseUrl()).bind("publicKey", request.publicKey())
                .bind("type", request.type().name()).bind("state", request.state().name())
                .bind("createdAt", Timestamps.toColumn(request.createdAt()))
                .bind("decidedAt", Timestamps.toNullableColumn(request.decidedAt()))
                .bind("decidedBy", request.decidedBy()).bind("sourceAddress", request.sourceAddress())
                .bind("nodeId", node == null ? null : node.id()).bind("nodeName", node == null ? null : node.name())
                .bind("nodeUrl", node == null ? null : node.url()).bind("productVersion", request.productVersion()).execute();
    }

    @Override
    public Optional<MirrorRequest> find(String requestId) {
        return handle.createQuery(SELECT + "WHERE id = :id").bind("id", requestId).map(JdbcMirrorRequests::map).findOne();
    }

    @Override
    public Optional<MirrorRequest> latestFrom(String mirrorId) {
        return handle.createQuery(SELECT + "WHERE mirror_id = :mirrorId ORDER BY created_at DESC, id LIMIT 1")
                .bind("mirrorId", mirrorId).map(JdbcMirrorRequests::map).findOne();
    }

    @Override
    public Optional<MirrorRequest> firstFrom(String mirrorId, MirrorType type) {
        return handle.createQuery(SELECT + "WHERE mirror_id = :mirrorId AND mirror_type = :type "
                        + "ORDER BY created_at, id LIMIT 1")
                .bind("mirrorId", mirrorId).bind("type", type.name()).map(JdbcMirrorRequests::map).findOne();
    }

    @Override
    public Optional<MirrorRequest> firstSignedBy(String signerId) {
        return handle.createQuery(SELECT + "WHERE node_id = :signer OR (node_id IS NULL AND mirror_id = :signer) "
                        + "ORDER BY created_at, id LIMIT 1")
                .bind("signer", signerId).map(JdbcMirrorRequests::map).findOne();
    }

    @Override
    public List<MirrorRequest> pendingFrom(String mirrorId) {
        return handle.createQuery(SELECT + "WHERE mirror_id = :mirrorId AND state = :state ORDER BY created_at DESC, id")
                .bind("mirrorId", mirrorId).bind("state", RequestState.PENDING.name())
                .map(JdbcMirrorRequests::map).list();
    }

    @Override
    public int countPendingFromAddress(String sourceAddress) {
        return handle.createQuery("SELECT COUNT(*) FROM mirror_requests WHERE source_address = :address AND state = :state")
                .bind("address", sourceAddress).bind("state", RequestState.PENDING.name()).mapTo(Integer.class).one();
    }

    @Override
    public List<MirrorRequest> list(RequestState state, int start, int limit) {
        String where = state == null ? "" : "WHERE state = :state ";
        var query = handle.createQuery(SELECT + where + "ORDER BY created_at DESC, id LIMIT :limit OFFSET :start")
                .bind("limit", limit).bind("start", start);
        if (state != null) {
            query.bind("state", state.name());
        }
        return query.map(JdbcMirrorRequests::map).list();
    }

    @Override
    public void decide(String requestId, RequestState state, Instant decidedAt, String decidedBy) {
        handle.createUpdate("UPDATE mirror_requests SET state = :state, decided_at = :at, decided_by = :by WHERE id = :id")
                .bind("state", state.name()).bind("at", Timestamps.toColumn(decidedAt)).bind("by", decidedBy)
                .bind("id", requestId).execute();
    }

    @Override
    public int deleteAll() {
        return handle.createUpdate("DELETE FROM mirror_requests").execute();
    }

    private static MirrorRequest map(ResultSet rs, StatementContext ctx) throws SQLException {
        String nodeId = rs.getString("node_id");
        // The node's key is the request's: a farm's request is signed by the node that asks.
        FarmNodeDescription node = nodeId == null ? null : new FarmNodeDescription(nodeId, rs.getString("node_name"),
                rs.getString("node_url"), rs.getString("public_key"));
        return new MirrorRequest(rs.getString("id"), rs.getString("mirror_id"), rs.getString("name"),
                rs.getString("base_url"), rs.getString("public_key"), MirrorType.valueOf(rs.getString("mirror_type")),
                RequestState.valueOf(rs.getString("state")), Timestamps.fromColumn(rs, "created_at"),
                Timestamps.fromNullableColumn(rs, "decided_at"), rs.getString("decided_by"),
                rs.getString("source_address"), node, rs.getString("product_version"));
    }
}
