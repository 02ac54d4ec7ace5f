-- dataward schema v1 (SQLite). Never edit once applied: add a new migration instead.
-- Times are RFC 3339 text in UTC; ids are UUIDv7 text; personal values are codec-encoded BLOBs
-- looked up only through HMAC digests.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE partners (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    channel        TEXT NOT NULL,
    retention_days INTEGER NOT NULL,
    status         TEXT NOT NULL,
    key_prefix     TEXT NOT NULL UNIQUE,
    key_hash       TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    withdrawn_at   TEXT
);

CREATE TABLE clients (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    purposes   TEXT NOT NULL,
    status     TEXT NOT NULL,
    key_prefix TEXT NOT NULL UNIQUE,
    key_hash   TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE batches (
    id               TEXT PRIMARY KEY,
    partner_id       TEXT NOT NULL REFERENCES partners(id),
    file_name        TEXT NOT NULL,
    file_sha256      TEXT NOT NULL,
    format           TEXT NOT NULL,
    mode             TEXT NOT NULL,
    received_at      TEXT NOT NULL,
    rows_read        INTEGER NOT NULL,
    rows_accepted    INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    new_persons      INTEGER NOT NULL,
    known_persons    INTEGER NOT NULL,
    removed_records  INTEGER NOT NULL,
    unknown_columns  TEXT NOT NULL
);
CREATE INDEX batches_partner ON batches(partner_id);

CREATE TABLE persons (
    id         TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);

CREATE TABLE source_records (
    id                TEXT PRIMARY KEY,
    person_id         TEXT NOT NULL REFERENCES persons(id),
    partner_id        TEXT NOT NULL REFERENCES partners(id),
    batch_id          TEXT NOT NULL REFERENCES batches(id),
    line_no           INTEGER NOT NULL,
    partner_record_id TEXT,
    email_consent     INTEGER NOT NULL,
    collected_on      TEXT,
    received_at       TEXT NOT NULL
);
CREATE INDEX source_records_person ON source_records(person_id);
CREATE INDEX source_records_partner_batch ON source_records(partner_id, batch_id);
CREATE INDEX source_records_batch_ref ON source_records(batch_id, partner_record_id);

CREATE TABLE record_values (
    person_id        TEXT NOT NULL,
    source_record_id TEXT NOT NULL REFERENCES source_records(id),
    field            TEXT NOT NULL,
    category         TEXT NOT NULL,
    value            BLOB NOT NULL,
    value_hash       BLOB
);
CREATE INDEX record_values_person ON record_values(person_id);
CREATE INDEX record_values_record ON record_values(source_record_id);
-- Only identifying fields get a digest (see `store::ingest_tx::LOOKUP_FIELDS`); a partial index
-- keeps the other values out of the random-order B-tree.
CREATE INDEX record_values_hash ON record_values(value_hash) WHERE value_hash IS NOT NULL;

CREATE TABLE identity_keys (
    key_hash         BLOB NOT NULL,
    person_id        TEXT NOT NULL,
    source_record_id TEXT NOT NULL REFERENCES source_records(id)
);
CREATE INDEX identity_keys_hash ON identity_keys(key_hash);
CREATE INDEX identity_keys_record ON identity_keys(source_record_id);

CREATE TABLE quarantine (
    batch_id TEXT NOT NULL REFERENCES batches(id),
    line_no  INTEGER NOT NULL,
    field    TEXT,
    reason   TEXT NOT NULL,
    detail   TEXT NOT NULL,
    raw      BLOB NOT NULL
);
CREATE INDEX quarantine_batch ON quarantine(batch_id, line_no);
