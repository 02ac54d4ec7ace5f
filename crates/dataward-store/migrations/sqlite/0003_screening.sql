-- Screening (SQLite): preference registers (TPS, CTPS, MPS) and the operator's suppression list.
-- Never edit once applied: add a new migration instead. Identifiers are kept only as HMAC-SHA256
-- digests (32 bytes) of their normalised screening key; no clear value is stored.

-- One row per register file loaded: what it was and how it changed the register.
CREATE TABLE register_loads (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,      -- tps | ctps | mps
    mode        TEXT NOT NULL,      -- full | delta
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    rows_read   INTEGER NOT NULL,
    accepted    INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    total       INTEGER NOT NULL,   -- entries of the kind after the load
    loaded_at   TEXT NOT NULL
);
CREATE INDEX register_loads_kind ON register_loads(kind, loaded_at);

-- The current entries of each register.
CREATE TABLE register_entries (
    kind      TEXT NOT NULL,
    digest    BLOB NOT NULL,
    loaded_at TEXT NOT NULL,        -- when the entry first appeared
    load_id   TEXT NOT NULL,        -- the last load that listed it (a full load removes the rest)
    PRIMARY KEY (kind, digest)
) WITHOUT ROWID;

-- The operator's own suppressions: opt-outs, objections, erasures, consent withdrawals.
CREATE TABLE suppressions (
    id              TEXT PRIMARY KEY,
    digest          BLOB NOT NULL,
    identifier_kind TEXT NOT NULL,  -- email | phone | name_address
    reason          TEXT NOT NULL,  -- opt_out | objection | erasure | consent_withdrawn
    scope           TEXT NOT NULL,  -- all | email | phone | post | sms
    person_id       TEXT,           -- the person it was raised for, when known
    created_at      TEXT NOT NULL,
    UNIQUE (digest, identifier_kind, reason, scope)
);
CREATE INDEX suppressions_person ON suppressions(person_id) WHERE person_id IS NOT NULL;
