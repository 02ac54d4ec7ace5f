//! Read-side queries: counts, a person's values with provenance, lookups by identifier through
//! keyed digests, batches and their quarantine.

use serde::Serialize;
use sqlx::Row;

use crate::{Store, StoreError};

/// One stored value of a person, decoded, with the partner it came from.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct HeldValue {
    pub source_record_id: String,
    pub partner: String,
    pub field: String,
    pub category: String,
    pub value: String,
}

impl std::fmt::Debug for HeldValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HeldValue({} from {}, <redacted>)", self.field, self.partner)
    }
}

/// A batch as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchRecord {
    pub id: String,
    pub partner: String,
    pub file_name: String,
    pub file_sha256: String,
    pub mode: String,
    pub received_at: String,
    pub rows_read: i64,
    pub rows_accepted: i64,
    pub rows_quarantined: i64,
    pub new_persons: i64,
    pub known_persons: i64,
    pub removed_records: i64,
}

/// A quarantined row as reported (the raw row is not included; see `quarantined_raw`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuarantineEntry {
    pub line: i64,
    pub field: Option<String>,
    pub reason: String,
    pub detail: String,
}

/// Totals across the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub persons: i64,
    pub source_records: i64,
    pub values: i64,
    pub quarantined: i64,
}

impl Store {
    /// Counts of persons, records, values and quarantined rows.
    pub async fn totals(&self) -> Result<Totals, StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM persons) AS persons, (SELECT COUNT(*) FROM source_records) AS records,
                    (SELECT COUNT(*) FROM record_values) AS vals, (SELECT COUNT(*) FROM quarantine) AS quarantined",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(Totals {
            persons: row.try_get("persons")?,
            source_records: row.try_get("records")?,
            values: row.try_get("vals")?,
            quarantined: row.try_get("quarantined")?,
        })
    }

    /// Number of records a partner currently supplies.
    pub async fn partner_record_count(&self, partner_id: &str) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM source_records WHERE partner_id = $1")
            .bind(partner_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Persons holding an exact value of a field (one of `ingest_tx::LOOKUP_FIELDS`, e.g. `email`),
    /// found through its keyed digest; other fields are not indexed and find no one.
    pub async fn persons_with_value(&self, field: &str, normalised_value: &str) -> Result<Vec<String>, StoreError> {
        let hash = self.indexer.digest(&format!("value:{field}"), normalised_value);
        let rows = sqlx::query(
            "SELECT DISTINCT person_id FROM record_values WHERE value_hash = $1 AND field = $2 ORDER BY person_id",
        )
        .bind(hash.to_vec())
        .bind(field)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("person_id")?)).collect()
    }

    /// Every value held about a person, decoded through the codec, with its source partner.
    pub async fn person_values(&self, person_id: &str) -> Result<Vec<HeldValue>, StoreError> {
        let rows = sqlx::query(
            "SELECT v.source_record_id, p.name AS partner, v.field, v.category, v.value, k.wrapped
             FROM record_values v JOIN source_records s ON s.id = v.source_record_id JOIN partners p ON p.id = s.partner_id
             LEFT JOIN record_keys k ON k.source_record_id = v.source_record_id
             WHERE v.person_id = $1 ORDER BY p.name, v.source_record_id, v.field",
        )
        .bind(person_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let stored: Vec<u8> = r.try_get("value")?;
                let record: String = r.try_get("source_record_id")?;
                let key = self.record_key(&record, r.try_get("wrapped")?)?;
                Ok(HeldValue {
                    value: crate::codec::decode(key.as_ref(), &record, &stored)?,
                    source_record_id: record,
                    partner: r.try_get("partner")?,
                    field: r.try_get("field")?,
                    category: r.try_get("category")?,
                })
            })
            .collect()
    }

    /// Batches, newest first, optionally for one partner.
    pub async fn batches(&self, partner_id: Option<&str>) -> Result<Vec<BatchRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT b.*, p.name AS partner FROM batches b JOIN partners p ON p.id = b.partner_id
             WHERE ($1 = '' OR b.partner_id = $1) ORDER BY b.received_at DESC, b.id DESC",
        )
        .bind(partner_id.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(BatchRecord {
                    id: r.try_get("id")?,
                    partner: r.try_get("partner")?,
                    file_name: r.try_get("file_name")?,
                    file_sha256: r.try_get("file_sha256")?,
                    mode: r.try_get("mode")?,
                    received_at: r.try_get("received_at")?,
                    rows_read: r.try_get("rows_read")?,
                    rows_accepted: r.try_get("rows_accepted")?,
                    rows_quarantined: r.try_get("rows_quarantined")?,
                    new_persons: r.try_get("new_persons")?,
                    known_persons: r.try_get("known_persons")?,
                    removed_records: r.try_get("removed_records")?,
                })
            })
            .collect()
    }

    /// The quarantined rows of a batch, by line.
    pub async fn quarantine(&self, batch_id: &str) -> Result<Vec<QuarantineEntry>, StoreError> {
        let rows =
            sqlx::query("SELECT line_no, field, reason, detail FROM quarantine WHERE batch_id = $1 ORDER BY line_no")
                .bind(batch_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(QuarantineEntry {
                    line: r.try_get("line_no")?,
                    field: r.try_get("field")?,
                    reason: r.try_get("reason")?,
                    detail: r.try_get("detail")?,
                })
            })
            .collect()
    }

    /// The raw text of a quarantined row, decoded (for the operator fixing the file).
    pub async fn quarantined_raw(&self, batch_id: &str, line: i64) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT raw FROM quarantine WHERE batch_id = $1 AND line_no = $2")
            .bind(batch_id)
            .bind(line)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => {
                let raw: Vec<u8> = r.try_get("raw")?;
                let scope = format!("quarantine:{batch_id}");
                let mut conn = self.pool.acquire().await?;
                let key = self.existing_scope_key(&mut conn, &scope).await?;
                Ok(Some(crate::codec::decode(key.as_ref(), &scope, &raw)?))
            }
            None => Ok(None),
        }
    }
}
