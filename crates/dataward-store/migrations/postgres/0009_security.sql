-- Security (issue 6): the hash-chained audit log and the data keys of encryption at rest.
-- Never edit once applied: add a new migration instead.

-- One row per audit entry; `hash` is SHA-256 over the entry's canonical encoding and `prev_hash`
-- (see dataward_core::audit). Rows are only ever inserted.
CREATE TABLE audit_log (
    seq       BIGINT PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL,
    detail    TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

-- The chain's head: the last sequence number and hash appended. Every append updates this one
-- row first, which serialises appends (a row lock on PostgreSQL, the write lock on SQLite) so the
-- chain never forks, and lets `audit verify` see entries removed from the end.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- One data key per source record, wrapped by the master key, grouped under the record's person
-- (`person_id` follows the record when identity resolution moves it). Deleting these rows makes
-- the record's values unreadable (crypto-erasure).
CREATE TABLE record_keys (
    source_record_id TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL,
    wrapped          BYTEA NOT NULL,
    master_key_id    TEXT NOT NULL
);
CREATE INDEX record_keys_person ON record_keys (person_id);

-- Data keys of values that belong to no source record: a batch's quarantined rows
-- (`quarantine:<batch>`), a client job's input and result (`job:<id>`), the linkage model.
CREATE TABLE scope_keys (
    scope         TEXT PRIMARY KEY,
    wrapped       BYTEA NOT NULL,
    master_key_id TEXT NOT NULL
);
