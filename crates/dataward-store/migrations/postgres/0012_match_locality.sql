-- dataward schema v12 (postgres): fewer rows read per match.
-- A match loads every record of its candidate persons and, for a client, keeps only records of
-- active partners: the record's partner (fixed for the record's life) is kept beside its
-- matching form, so the match no longer reads each record's source row.
ALTER TABLE match_records ADD COLUMN partner_id TEXT;
UPDATE match_records m SET partner_id = s.partner_id FROM source_records s WHERE s.id = m.source_record_id;
ALTER TABLE match_records ALTER COLUMN partner_id SET NOT NULL;
