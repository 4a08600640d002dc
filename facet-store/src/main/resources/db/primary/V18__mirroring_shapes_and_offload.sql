-- The version a mirror said it runs when it asked to be authorized (Bitbucket's productVersion).
ALTER TABLE mirror_requests ADD COLUMN product_version VARCHAR(64);

-- The mirror a user prefers to clone from; the project page's clone box shows it first.
-- It goes with the user, and with the mirror when its removal becomes final.
CREATE TABLE preferred_mirrors (
    user_id   BIGINT      NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    mirror_id VARCHAR(36) NOT NULL REFERENCES mirror_servers (id) ON DELETE CASCADE
);

-- What each node of a mirror served by itself and what it passed on to this primary, as the node's
-- last heartbeat counted it since the node was installed: a single mirror is its own one node.
CREATE TABLE mirror_offload (
    node_id          VARCHAR(36) NOT NULL PRIMARY KEY,
    mirror_id        VARCHAR(36) NOT NULL REFERENCES mirror_servers (id) ON DELETE CASCADE,
    clones           BIGINT      NOT NULL,
    fetches          BIGINT      NOT NULL,
    bytes_served     BIGINT      NOT NULL,
    pushes_forwarded BIGINT      NOT NULL,
    bytes_forwarded  BIGINT      NOT NULL,
    bytes_fetched    BIGINT      NOT NULL,
    reported_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX mirror_offload_by_mirror ON mirror_offload (mirror_id);
