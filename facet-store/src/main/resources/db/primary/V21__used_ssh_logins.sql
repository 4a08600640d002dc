-- SSH login proofs mirrors passed on with a forwarded push, by the SHA-256 of the session id: each is taken once.
CREATE TABLE used_ssh_logins (
    session_digest  VARCHAR(64)  NOT NULL PRIMARY KEY,
    mirror_id       VARCHAR(64)  NOT NULL,
    key_fingerprint VARCHAR(64)  NOT NULL,
    taken_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
