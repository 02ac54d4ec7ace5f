-- Batch jobs: a client's uploaded list answered row by row (trace or verify) in the background.
-- Input and output hold personal data and go through the value codec.
CREATE TABLE client_jobs (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients(id),
    kind        TEXT NOT NULL,      -- trace | verify
    purpose     TEXT NOT NULL,
    status      TEXT NOT NULL,      -- queued | running | done | failed
    total_rows  INTEGER NOT NULL,
    done_rows   INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    started_at  TEXT,
    finished_at TEXT,
    error       TEXT,
    input       BLOB NOT NULL,
    output      BLOB
);
CREATE INDEX client_jobs_status ON client_jobs(status, created_at);
CREATE INDEX client_jobs_client ON client_jobs(client_id, created_at);
