-- dataward schema v12 (sqlite): fewer pages read per match.
-- Under concurrent writes a SQLite connection starts each read with an empty page cache, so every
-- page a match touches is a read from the file. A match loads every record of its candidate
-- persons: with match_records keyed by record, that was an index entry and a table row per
-- record, then the record's source row (for its partner) and its key (index entry and row).
-- Now a person's matching forms sit together under the key (person_id, source_record_id) with the
-- record's partner (fixed for the record's life), and record keys are keyed by record directly.
CREATE TABLE match_records_v12 (
    person_id        TEXT NOT NULL,
    source_record_id TEXT NOT NULL REFERENCES source_records(id),
    partner_id       TEXT NOT NULL,
    form             BLOB NOT NULL,
    PRIMARY KEY (person_id, source_record_id)
) WITHOUT ROWID;
INSERT INTO match_records_v12 (person_id, source_record_id, partner_id, form)
    SELECT m.person_id, m.source_record_id, s.partner_id, m.form
    FROM match_records m JOIN source_records s ON s.id = m.source_record_id;
DROP TABLE match_records;
ALTER TABLE match_records_v12 RENAME TO match_records;
CREATE UNIQUE INDEX match_records_record ON match_records(source_record_id);

CREATE TABLE record_keys_v12 (
    source_record_id TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL,
    wrapped          BLOB NOT NULL,
    master_key_id    TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO record_keys_v12 (source_record_id, person_id, wrapped, master_key_id)
    SELECT source_record_id, person_id, wrapped, master_key_id FROM record_keys;
DROP TABLE record_keys;
ALTER TABLE record_keys_v12 RENAME TO record_keys;
CREATE INDEX record_keys_person ON record_keys (person_id);
