package dev.facet.store;

import dev.facet.core.mirror.UpstreamLink;
import dev.facet.core.mirror.UpstreamState;
import dev.facet.core.store.UpstreamLinks;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

final class JdbcUpstreamLinks implements UpstreamLinks {
    private final Handle handle;

    JdbcUpstreamLinks(Handle handle) {
        this.handle = handle;
    }

    @Override
    public Optional<UpstreamLink> get() {
        return handle.createQuery("SELECT upstream_url, state, request_id, upstream_instance_id, upstream_public_key, "
                        + "pinned_seq, pinned_hash, applied_seq, applied_hash FROM upstream WHERE id = 1")
                .map((rs, ctx) -> new UpstreamLink(rs.getString("upstream_url"), UpstreamState.valueOf(rs.getString("state")),
                        rs.getString("request_id"), rs.getString("upstream_instance_id"),
                        rs.getString("upstream_public_key"), rs.getLong("pinned_seq"), rs.getString("pinned_hash"),
                        rs.getLong("applied_seq"), rs.getString("applied_hash")))
                .findOne();
    }

    @Override
    public void save(UpstreamLink link) {
        handle.createUpdate("DELETE FROM upstream WHERE id = 1").execute();
        handle.createUpdate("INSERT INTO upstream (id, upstream_url, state, request_id, upstream_instance_id, "
                        + "upstream_public_key, pinned_seq, pinned_hash, applied_seq, applied_hash) VALUES "
                        + "(1, :url, :state, :requestId, :instanceId, :publicKey, :pinnedSeq, :pinnedHash, :appliedSeq, :appliedHash)")
                .bind("url", link.upstreamUrl()).bind("state", link.state().name()).bind("requestId", link.requestId())
                .bind("instanceId", link.upstreamInstanceId()).bind("publicKey", link.upstreamPublicKey())
                .bind("pinnedSeq", link.pinnedSequence()).bind("pinnedHash", link.pinnedHash())
                .bind("appliedSeq", link.appliedSequence()).bind("appliedHash", link.appliedHash()).execute();
    }
}
