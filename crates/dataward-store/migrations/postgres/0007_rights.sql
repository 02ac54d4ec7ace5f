-- Data-subject rights (issue 5): requests with their event history, one-time codes, the rights
-- state a request sets on a person's records, one-time download links, and the notification
-- outbox (codes to requesters, Art. 19 notices to recipients).
-- Personal data (the requester's details, addresses, message bodies) is codec-encoded BYTEAs;
-- lookups go through HMAC digests.

CREATE TABLE rights_requests (
    id                TEXT PRIMARY KEY,
    number            BIGINT NOT NULL UNIQUE,
    kind              TEXT NOT NULL,
    kind_name         TEXT NOT NULL,
    period            TEXT NOT NULL,
    channel           TEXT NOT NULL,
    status            TEXT NOT NULL,
    due_on            TEXT,
    received_at       TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    requester         BYTEA NOT NULL,
    contact_kind      TEXT NOT NULL,
    contact_hash      BYTEA NOT NULL,
    status_token_hash BYTEA NOT NULL UNIQUE,
    person_ids        TEXT NOT NULL,
    match_band        TEXT,
    candidate_person  TEXT,
    match_detail      TEXT
);
CREATE INDEX rights_requests_status ON rights_requests(status, due_on);

CREATE TABLE rights_events (
    request_id TEXT NOT NULL REFERENCES rights_requests(id),
    seq        BIGINT NOT NULL,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL,
    PRIMARY KEY (request_id, seq)
);

CREATE TABLE rights_codes (
    request_id TEXT PRIMARY KEY REFERENCES rights_requests(id),
    code_hash  BYTEA NOT NULL,
    expires_at TEXT NOT NULL,
    attempts   BIGINT NOT NULL
);

CREATE TABLE rights_flags (
    source_record_id TEXT NOT NULL,
    person_id        TEXT NOT NULL,
    flag             TEXT NOT NULL,
    request_id       TEXT NOT NULL,
    set_at           TEXT NOT NULL,
    PRIMARY KEY (source_record_id, flag)
);
CREATE INDEX rights_flags_person ON rights_flags(person_id);

CREATE TABLE rights_downloads (
    token_hash BYTEA PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES rights_requests(id),
    format     TEXT NOT NULL,
    content    BYTEA NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

CREATE TABLE notifications (
    id              TEXT PRIMARY KEY,
    request_id      TEXT REFERENCES rights_requests(id),
    recipient_kind  TEXT NOT NULL,
    recipient_id    TEXT,
    channel         TEXT NOT NULL,
    address         BYTEA NOT NULL,
    subject         TEXT NOT NULL,
    body            BYTEA NOT NULL,
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    sent_at         TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX notifications_due ON notifications(status, next_attempt_at);
CREATE INDEX notifications_request ON notifications(request_id);

ALTER TABLE clients ADD COLUMN notify_email TEXT;
ALTER TABLE clients ADD COLUMN notify_webhook TEXT;

ALTER TABLE batches ADD COLUMN rows_erased BIGINT NOT NULL DEFAULT 0;
