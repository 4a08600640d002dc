-- Project and repository access tokens act as service users: one per token, holding exactly the grant the token
-- reaches. A service user is bound to its project or repository, so deleting either deletes it, and with it its
-- token and grant (both cascade from users).
ALTER TABLE users ADD COLUMN user_type VARCHAR(16) DEFAULT 'NORMAL' NOT NULL;
ALTER TABLE users ADD COLUMN service_project_id BIGINT;
ALTER TABLE users ADD COLUMN service_repository_id BIGINT;
ALTER TABLE users ADD CONSTRAINT users_service_project FOREIGN KEY (service_project_id)
    REFERENCES projects (id) ON DELETE CASCADE;
ALTER TABLE users ADD CONSTRAINT users_service_repository FOREIGN KEY (service_repository_id)
    REFERENCES repositories (id) ON DELETE CASCADE;
CREATE INDEX users_by_service_project ON users (service_project_id);
CREATE INDEX users_by_service_repository ON users (service_repository_id);
