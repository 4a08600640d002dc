-- Each repository's refs hash and state digest, written in the transaction that records the change
-- (push, ref change through REST, create, rename, visibility), so a mirror's reconciliation compares
-- digests read from here instead of every repository's refs read from disk. A rolling verification
-- re-reads the disk to catch a change made behind Facet's back (docs/decisions.md).
CREATE TABLE repository_states (
    repository_id BIGINT      NOT NULL PRIMARY KEY REFERENCES repositories (id) ON DELETE CASCADE,
    project_id    BIGINT      NOT NULL,
    refs_hash     VARCHAR(64),
    digest_high   BIGINT      NOT NULL,
    digest_low    BIGINT      NOT NULL
);

CREATE INDEX repository_states_project ON repository_states (project_id, repository_id);
