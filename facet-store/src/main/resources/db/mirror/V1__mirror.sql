-- A mirror's own database: its link to the upstream and the repositories it carries.

CREATE TABLE instance_settings (
    name          VARCHAR(100)  NOT NULL PRIMARY KEY,
    setting_value VARCHAR(4000) NOT NULL
);

CREATE TABLE upstream (
    id                   INT           NOT NULL PRIMARY KEY,
    upstream_url         VARCHAR(2000) NOT NULL,
    state                VARCHAR(16)   NOT NULL,
    request_id           VARCHAR(36),
    upstream_instance_id VARCHAR(36),
    upstream_public_key  VARCHAR(2000),
    pinned_seq           BIGINT        NOT NULL,
    pinned_hash          VARCHAR(64),
    applied_seq          BIGINT        NOT NULL,
    applied_hash         VARCHAR(64)
);

CREATE TABLE mirrored_repositories (
    id                 BIGINT       NOT NULL PRIMARY KEY,
    project_key        VARCHAR(128) NOT NULL,
    slug               VARCHAR(128) NOT NULL,
    name               VARCHAR(128) NOT NULL,
    is_public          BOOLEAN      NOT NULL,
    upstream_refs_hash VARCHAR(64),
    local_refs_hash    VARCHAR(64),
    sync_requested     BOOLEAN      NOT NULL,
    last_synced_at     TIMESTAMP WITH TIME ZONE,
    behind_since       TIMESTAMP WITH TIME ZONE
);

CREATE INDEX mirrored_repositories_path ON mirrored_repositories (project_key, slug);
