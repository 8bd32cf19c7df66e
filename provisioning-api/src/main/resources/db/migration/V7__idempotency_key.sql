-- Idempotency-Key on creating requests (ADR 0074): one row per (API key, client key), claimed by one request at a time.
CREATE TABLE idempotency_key (
    scope       TEXT        NOT NULL,             -- the API key id that sent it, or 'bootstrap'
    idem_key    TEXT        NOT NULL,             -- the client's key, 1..255 visible ASCII characters
    fingerprint TEXT        NOT NULL,             -- SHA-256 of operation, path and parameters (no passwords)
    state       TEXT        NOT NULL CHECK (state IN ('IN_PROGRESS', 'COMPLETED')),
    status      INTEGER,                          -- the kept answer (COMPLETED only)
    location    TEXT,
    body        TEXT,
    created_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_key_created_at ON idempotency_key (created_at);
