-- Accounts an administrator can switch off, and tokens that expire and say when they were last used.
ALTER TABLE users ADD COLUMN active BOOLEAN DEFAULT TRUE NOT NULL;
ALTER TABLE access_tokens ADD COLUMN expires_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE access_tokens ADD COLUMN last_used_at TIMESTAMP WITH TIME ZONE;
