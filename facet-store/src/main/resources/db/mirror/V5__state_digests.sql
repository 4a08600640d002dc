-- Each carried repository's state digest (its names, visibility and the refs hash it serves), kept
-- by every save, so a reconciliation sums them per project in the database instead of reading refs
-- from disk. Rows from before have none; the store fills them in on first use.
ALTER TABLE mirrored_repositories ADD COLUMN digest_high BIGINT;
ALTER TABLE mirrored_repositories ADD COLUMN digest_low BIGINT;
