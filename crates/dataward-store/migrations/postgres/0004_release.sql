-- Release: every client request, what was decided for each value considered, and the disclosure
-- ledger of values handed over. Written in one transaction with the answer: no row, no release.

CREATE TABLE client_requests (
    id         TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL REFERENCES clients(id),
    kind       TEXT NOT NULL,
    purpose    TEXT NOT NULL,
    at         TEXT NOT NULL,
    person_id  TEXT,
    band       TEXT NOT NULL,
    -- Every value considered with its decision and the checks behind it (JSON: categories,
    -- fields, partners, reason codes; never a value).
    decisions  TEXT NOT NULL
);
CREATE INDEX client_requests_client ON client_requests(client_id, at);
CREATE INDEX client_requests_person ON client_requests(person_id);

CREATE TABLE disclosures (
    request_id       TEXT NOT NULL REFERENCES client_requests(id),
    client_id        TEXT NOT NULL,
    purpose          TEXT NOT NULL,
    basis            TEXT NOT NULL,
    person_id        TEXT NOT NULL,
    category         TEXT NOT NULL,
    field            TEXT NOT NULL,
    -- `value` when the value itself was handed over, `confirmation` when only agreement was.
    disclosure       TEXT NOT NULL,
    source_record_id TEXT NOT NULL,
    partner_id       TEXT NOT NULL,
    at               TEXT NOT NULL
);
CREATE INDEX disclosures_person ON disclosures(person_id, at);
CREATE INDEX disclosures_client ON disclosures(client_id, at);
CREATE INDEX disclosures_partner ON disclosures(partner_id, at);
CREATE INDEX disclosures_request ON disclosures(request_id);
