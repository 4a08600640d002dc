CREATE TABLE mirror_requests (
    id          VARCHAR(36)   NOT NULL PRIMARY KEY,
    mirror_id   VARCHAR(36)   NOT NULL,
    name        VARCHAR(255)  NOT NULL,
    base_url    VARCHAR(2000) NOT NULL,
    public_key  VARCHAR(2000) NOT NULL,
    mirror_type VARCHAR(16)   NOT NULL,
    state       VARCHAR(16)   NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    decided_at  TIMESTAMP WITH TIME ZONE,
    decided_by  VARCHAR(64)
);

CREATE TABLE mirror_servers (
    id                   VARCHAR(36)   NOT NULL PRIMARY KEY,
    name                 VARCHAR(255)  NOT NULL,
    base_url             VARCHAR(2000) NOT NULL,
    public_key           VARCHAR(2000) NOT NULL,
    mirror_type          VARCHAR(16)   NOT NULL,
    all_projects         BOOLEAN       NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen            TIMESTAMP WITH TIME ZONE,
    reported_state       VARCHAR(32),
    version              VARCHAR(64),
    repositories_in_sync INT           NOT NULL,
    repositories_behind  INT           NOT NULL,
    report               VARCHAR
);

CREATE TABLE mirror_projects (
    mirror_id  VARCHAR(36) NOT NULL REFERENCES mirror_servers (id) ON DELETE CASCADE,
    project_id BIGINT      NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    PRIMARY KEY (mirror_id, project_id)
);
