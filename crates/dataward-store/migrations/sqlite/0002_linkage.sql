-- dataward schema v2 (sqlite): identity resolution replaces the foundation's exact-identifier grouping.

-- Each source record in the form the matcher compares (JSON of normalised values, written
-- through the value codec like any personal value).
CREATE TABLE match_records (
    source_record_id TEXT PRIMARY KEY REFERENCES source_records(id),
    person_id        TEXT NOT NULL,
    form             BLOB NOT NULL
);
CREATE INDEX match_records_person ON match_records(person_id);

-- Blocking keys under the server secret (`Indexer::block_key`): candidates for a new record or
-- a query are the records sharing one of its keys.
CREATE TABLE blocking_keys (
    block_key        INTEGER NOT NULL,
    source_record_id TEXT NOT NULL,
    person_id        TEXT NOT NULL,
    PRIMARY KEY (block_key, source_record_id)
) WITHOUT ROWID;
CREATE INDEX blocking_keys_record ON blocking_keys(source_record_id);

-- Model parameters (JSON through the codec: the term-frequency table is derived from names).
-- Exactly one row is active.
CREATE TABLE linkage_models (
    id         TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    origin     TEXT NOT NULL,
    records    INTEGER NOT NULL,
    params     BLOB NOT NULL,
    active     INTEGER NOT NULL
);

-- How persons came together and apart: one row per person an event concerns.
CREATE TABLE linkage_events (
    id               TEXT NOT NULL,
    person_id        TEXT NOT NULL,
    at               TEXT NOT NULL,
    batch_id         TEXT,
    kind             TEXT NOT NULL,
    source_record_id TEXT,
    detail           TEXT NOT NULL
);
CREATE INDEX linkage_events_person ON linkage_events(person_id, at);

-- Pairs in the possible band: never linked, listed for review.
CREATE TABLE linkage_reviews (
    id               TEXT PRIMARY KEY,
    source_record_id TEXT NOT NULL,
    person_id        TEXT NOT NULL,
    candidate_person TEXT NOT NULL,
    probability      REAL NOT NULL,
    created_at       TEXT NOT NULL,
    status           TEXT NOT NULL,
    resolved_at      TEXT
);
CREATE INDEX linkage_reviews_status ON linkage_reviews(status, created_at);
CREATE INDEX linkage_reviews_record ON linkage_reviews(source_record_id);

DROP TABLE identity_keys;
