-- Lifecycle and breaches (postgres). Never edit once applied: add a new migration instead.
-- Holds no personal value: ids, reasons, counts and times only.

-- A withdrawal's reason, and when the partner's records were finally purged.
ALTER TABLE partners ADD COLUMN withdrawal_reason TEXT;
ALTER TABLE partners ADD COLUMN purged_at TEXT;

-- Legal holds: a person or a partner no purge may touch until the hold is lifted.
CREATE TABLE legal_holds (
    id          TEXT PRIMARY KEY,
    target_kind TEXT NOT NULL,      -- person | partner
    target_id   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    lifted_at   TEXT,
    lift_reason TEXT
);
CREATE INDEX legal_holds_target ON legal_holds(target_kind, target_id);

-- Every applied purge with its report (JSON: counts per partner, reason and category).
CREATE TABLE purge_runs (
    id              TEXT PRIMARY KEY,
    at              TEXT NOT NULL,
    records         BIGINT NOT NULL,
    values_removed  BIGINT NOT NULL,
    persons_removed BIGINT NOT NULL,
    report          TEXT NOT NULL
);
CREATE INDEX purge_runs_at ON purge_runs(at);

-- Breach incidents and their 72-hour clock (from detected_at).
CREATE TABLE breach_incidents (
    id              TEXT PRIMARY KEY,
    exposure        TEXT NOT NULL,  -- partner-batch:ID | client-extracts:CLIENT | window:FROM..TO
    categories      TEXT NOT NULL,  -- comma-separated; empty: every category
    description     TEXT NOT NULL,
    detected_at     TEXT NOT NULL,
    opened_at       TEXT NOT NULL,
    closed_at       TEXT,
    reported_to_ico BIGINT,
    close_note      TEXT
);
CREATE INDEX breach_incidents_opened ON breach_incidents(opened_at);
