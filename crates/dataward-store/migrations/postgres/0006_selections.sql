-- Marketing selections: each record's coarse facets (birth year, postcode area and district,
-- renewal month, lifestyle attributes) as keyed digests, and each client's contracted volume.
CREATE TABLE selection_facets (
    facet_hash       BYTEA NOT NULL,
    person_id        TEXT NOT NULL,
    source_record_id TEXT NOT NULL
);
CREATE INDEX selection_facets_hash ON selection_facets(facet_hash);
CREATE INDEX selection_facets_record ON selection_facets(source_record_id);

ALTER TABLE clients ADD COLUMN extract_limit INTEGER NOT NULL DEFAULT 10000;
