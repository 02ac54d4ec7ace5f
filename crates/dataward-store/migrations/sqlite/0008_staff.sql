-- Console staff and their sessions. Passwords are Argon2id PHC strings; session tokens are kept
-- only as SHA-256 digests (hex), so a copy of the database cannot be used to sign in.
CREATE TABLE staff (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    role            TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    totp_secret     TEXT,
    totp_last_step  INTEGER,
    failed_logins   INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT NOT NULL,
    disabled_at     TEXT
);

CREATE TABLE staff_sessions (
    token_hash    TEXT PRIMARY KEY,
    staff_id      TEXT NOT NULL REFERENCES staff(id),
    csrf_token    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions(staff_id);
