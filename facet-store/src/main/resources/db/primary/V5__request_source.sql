-- Where each authorization request came from, so the primary can cap pending requests per source.
ALTER TABLE mirror_requests ADD COLUMN source_address VARCHAR(64);
CREATE INDEX mirror_requests_by_source ON mirror_requests (source_address, state);
CREATE INDEX mirror_requests_by_mirror ON mirror_requests (mirror_id, created_at);
