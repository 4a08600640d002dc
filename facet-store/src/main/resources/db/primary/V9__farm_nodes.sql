-- The nodes of mirror farms: one farm is one mirror server; each of its nodes signs with a key of its own.
CREATE TABLE farm_nodes (
    id             VARCHAR(36)   NOT NULL PRIMARY KEY,
    mirror_id      VARCHAR(36)   NOT NULL REFERENCES mirror_servers (id) ON DELETE CASCADE,
    name           VARCHAR(255)  NOT NULL,
    url            VARCHAR(2000) NOT NULL,
    public_key     VARCHAR(2000) NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    vouched_by     VARCHAR(36),
    last_seen      TIMESTAMP WITH TIME ZONE,
    reported_state VARCHAR(32),
    version        VARCHAR(64)
);
CREATE INDEX farm_nodes_by_mirror ON farm_nodes (mirror_id, created_at);

-- A farm's authorization request names the node that asked and signed it.
ALTER TABLE mirror_requests ADD COLUMN node_id VARCHAR(36);
ALTER TABLE mirror_requests ADD COLUMN node_name VARCHAR(255);
ALTER TABLE mirror_requests ADD COLUMN node_url VARCHAR(2000);
CREATE INDEX mirror_requests_by_node ON mirror_requests (node_id, created_at);
