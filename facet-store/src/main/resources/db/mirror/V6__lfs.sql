-- Git LFS on a mirror. The bytes are kept once by oid under the home (data/lfs/objects), fetched from
-- the primary on first download; this table says which carried repository the primary said holds which
-- object (and its size), so access stays per repository. A row may name an object whose bytes have not
-- been fetched yet. No foreign key: a repository's row is saved by replacing it; its deletion deletes these.
CREATE TABLE lfs_objects (
    repository_id BIGINT      NOT NULL,
    oid           VARCHAR(64) NOT NULL,
    size          BIGINT      NOT NULL,
    CONSTRAINT lfs_objects_key PRIMARY KEY (repository_id, oid)
);
CREATE INDEX lfs_objects_by_oid ON lfs_objects (oid);
