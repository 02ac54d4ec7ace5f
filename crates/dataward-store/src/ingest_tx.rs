//! One partner file as one atomic batch.
//!
//! `Store::begin_ingest` opens a transaction and a batch; clean records and quarantined rows are
//! written in chunks; `finish` applies the refresh rule and commits. Dropping an `IngestTx`
//! without `finish` (an error, a cancelled upload) rolls everything back, and a killed process
//! leaves an uncommitted transaction that the engine discards, so the store is exactly as before.
//!
//! Grouping into persons is the foundation's placeholder: records sharing an exact normalised
//! identifier (email, phone, or name + postcode + date of birth) join the same person.

use std::collections::{HashMap, HashSet};

use dataward_core::keys::{Digest, identity_keys};
use dataward_core::partner::IngestMode;
use dataward_core::quarantine::QuarantineReason;
use dataward_core::record::CleanRecord;
use jiff::Timestamp;
use serde::Serialize;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

use crate::partners::Partner;
use crate::sql::{Val, insert_rows, placeholder_list};
use crate::store::new_id;
use crate::{Store, StoreError};

/// A row that could not be stored, with where and why. `raw` is the row as read; it is written
/// through the value codec like any personal value.
#[derive(Clone)]
pub struct QuarantinedRow {
    pub line: u64,
    pub field: Option<String>,
    pub reason: QuarantineReason,
    pub detail: String,
    pub raw: String,
}

impl std::fmt::Debug for QuarantinedRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "QuarantinedRow(line {}, {:?}, {})", self.line, self.field, self.reason)
    }
}

/// Fields whose values get a keyed digest for exact lookups (`Store::persons_with_value`).
/// Other values are only ever read through their person, so they stay out of the index.
pub const LOOKUP_FIELDS: &[&str] = &["email", "mobile", "landline", "phone", "postcode", "date_of_birth", "surname"];

/// A clean row waiting to be stored, with its line and raw text (kept in case it is quarantined).
pub struct PendingRow {
    pub line: u64,
    pub record: CleanRecord,
    pub raw: String,
}

/// Describes the file a batch comes from.
#[derive(Debug, Clone)]
pub struct BatchSource {
    pub file_name: String,
    pub format: &'static str,
    pub mode: IngestMode,
}

/// How a committed batch changed the store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchOutcome {
    pub batch_id: String,
    pub accepted: u64,
    pub quarantined: u64,
    /// Persons created by this batch.
    pub new_persons: u64,
    /// Records that joined a person already held (before the batch or earlier in the file).
    pub known_records: u64,
    /// The partner's earlier records removed by a refresh.
    pub removed_records: u64,
}

/// An open batch. Nothing is visible to anyone else until `finish` commits.
pub struct IngestTx {
    tx: Transaction<'static, Any>,
    store: Store,
    partner_id: String,
    source: BatchSource,
    received_at: String,
    outcome: BatchOutcome,
}

impl Store {
    /// Opens a batch for `partner`.
    pub async fn begin_ingest(
        &self,
        partner: &Partner,
        source: BatchSource,
        now: Timestamp,
    ) -> Result<IngestTx, StoreError> {
        let mut tx = self.pool.begin().await?;
        let batch_id = new_id();
        let received_at = now.to_string();
        sqlx::query(
            "INSERT INTO batches (id, partner_id, file_name, file_sha256, format, mode, received_at,
                 rows_read, rows_accepted, rows_quarantined, new_persons, known_persons, removed_records, unknown_columns)
             VALUES ($1, $2, $3, '', $4, $5, $6, 0, 0, 0, 0, 0, 0, '')",
        )
        .bind(&batch_id)
        .bind(&partner.id)
        .bind(&source.file_name)
        .bind(source.format)
        .bind(source.mode.as_str())
        .bind(&received_at)
        .execute(&mut *tx)
        .await?;
        Ok(IngestTx {
            tx,
            store: self.clone(),
            partner_id: partner.id.clone(),
            source,
            received_at,
            outcome: BatchOutcome { batch_id, ..BatchOutcome::default() },
        })
    }
}

impl IngestTx {
    pub fn batch_id(&self) -> &str {
        &self.outcome.batch_id
    }

    /// Stores a chunk of clean rows, grouping each into a person. A row whose partner record id
    /// repeats one earlier in the file is quarantined instead; those rows are returned.
    pub async fn write_records(&mut self, rows: Vec<PendingRow>) -> Result<Vec<QuarantinedRow>, StoreError> {
        let (records, duplicates) = self.split_duplicates(rows).await?;
        self.write_quarantine(&duplicates).await?;
        if records.is_empty() {
            return Ok(duplicates);
        }
        let indexer = self.store.indexer.clone();
        let codec = self.store.codec.clone();
        let keyed: Vec<Vec<Digest>> = records
            .iter()
            .map(|(_, r)| identity_keys(r).iter().map(|(kind, text)| indexer.digest(kind.domain(), text)).collect())
            .collect();
        let mut owner: HashMap<Digest, String> = self.lookup_persons(keyed.iter().flatten()).await?;

        let mut persons = Vec::new();
        let mut sources = Vec::new();
        let mut values = Vec::new();
        let mut keys = Vec::new();
        for ((line, record), digests) in records.iter().zip(&keyed) {
            let person_id = match digests.iter().find_map(|d| owner.get(d)) {
                Some(id) => {
                    self.outcome.known_records += 1;
                    id.clone()
                }
                None => {
                    let id = new_id();
                    persons.push(vec![Val::Text(id.clone()), Val::Text(self.received_at.clone())]);
                    self.outcome.new_persons += 1;
                    id
                }
            };
            let record_id = new_id();
            sources.push(vec![
                Val::Text(record_id.clone()),
                Val::Text(person_id.clone()),
                Val::Text(self.partner_id.clone()),
                Val::Text(self.outcome.batch_id.clone()),
                Val::Int(*line as i64),
                Val::OptText(record.partner_record_id.clone()),
                Val::Int(i64::from(record.email_marketing_consent)),
                Val::OptText(record.collected_on.map(|d| d.to_string())),
                Val::Text(self.received_at.clone()),
            ]);
            for v in record.values() {
                let field = v.field.name();
                let category = v.field.category().map(|c| c.as_str()).unwrap_or("provenance");
                let hash = LOOKUP_FIELDS
                    .contains(&field.as_str())
                    .then(|| indexer.digest(&format!("value:{field}"), &v.value).to_vec());
                values.push(vec![
                    Val::Text(person_id.clone()),
                    Val::Text(record_id.clone()),
                    Val::Text(field),
                    Val::Text(category.to_string()),
                    Val::Blob(codec.encode(&person_id, &v.value)),
                    Val::OptBlob(hash),
                ]);
            }
            for d in digests {
                keys.push(vec![Val::Blob(d.to_vec()), Val::Text(person_id.clone()), Val::Text(record_id.clone())]);
                owner.entry(*d).or_insert_with(|| person_id.clone());
            }
            self.outcome.accepted += 1;
        }
        let conn = &mut *self.tx;
        let backend = self.store.backend;
        insert_rows(backend, conn, "persons", &["id", "created_at"], persons).await?;
        insert_rows(
            backend,
            conn,
            "source_records",
            &[
                "id",
                "person_id",
                "partner_id",
                "batch_id",
                "line_no",
                "partner_record_id",
                "email_consent",
                "collected_on",
                "received_at",
            ],
            sources,
        )
        .await?;
        insert_rows(
            backend,
            conn,
            "record_values",
            &["person_id", "source_record_id", "field", "category", "value", "value_hash"],
            values,
        )
        .await?;
        insert_rows(backend, conn, "identity_keys", &["key_hash", "person_id", "source_record_id"], keys).await?;
        Ok(duplicates)
    }

    /// Separates rows whose partner record id was already seen in this batch (in this chunk or
    /// an earlier one, found through the batch's index so memory stays bounded).
    async fn split_duplicates(
        &mut self,
        rows: Vec<PendingRow>,
    ) -> Result<(Vec<(u64, CleanRecord)>, Vec<QuarantinedRow>), StoreError> {
        let ids: Vec<&str> = rows.iter().filter_map(|r| r.record.partner_record_id.as_deref()).collect();
        let mut seen: HashSet<String> = HashSet::new();
        for chunk in ids.chunks(5_000) {
            let sql = format!(
                "SELECT partner_record_id FROM source_records WHERE batch_id = {} AND partner_record_id IN ({})",
                placeholder_list(self.store.backend, 1, 1),
                placeholder_list(self.store.backend, 2, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(&self.outcome.batch_id);
            for id in chunk {
                query = query.bind(id.to_string());
            }
            for row in query.fetch_all(&mut *self.tx).await? {
                seen.insert(row.try_get("partner_record_id")?);
            }
        }
        let mut clean = Vec::with_capacity(rows.len());
        let mut duplicates = Vec::new();
        for row in rows {
            match &row.record.partner_record_id {
                Some(id) if !seen.insert(id.clone()) => duplicates.push(QuarantinedRow {
                    line: row.line,
                    field: Some("partner_record_id".into()),
                    reason: QuarantineReason::DuplicateRecordId,
                    detail: "this record id already appeared earlier in the file".into(),
                    raw: row.raw,
                }),
                _ => clean.push((row.line, row.record)),
            }
        }
        Ok((clean, duplicates))
    }

    async fn lookup_persons<'d>(
        &mut self,
        digests: impl Iterator<Item = &'d Digest>,
    ) -> Result<HashMap<Digest, String>, StoreError> {
        let mut unique: Vec<&Digest> = digests.collect();
        unique.sort_unstable();
        unique.dedup();
        let mut found = HashMap::new();
        for chunk in unique.chunks(5_000) {
            let sql = format!(
                "SELECT key_hash, person_id FROM identity_keys WHERE key_hash IN ({}) ORDER BY person_id",
                placeholder_list(self.store.backend, 1, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for d in chunk {
                query = query.bind(d.to_vec());
            }
            for row in query.fetch_all(&mut *self.tx).await? {
                let hash: Vec<u8> = row.try_get("key_hash")?;
                let person: String = row.try_get("person_id")?;
                let digest: Digest =
                    hash.try_into().map_err(|_| StoreError::Corrupt("identity key of wrong length".into()))?;
                found.entry(digest).or_insert(person);
            }
        }
        Ok(found)
    }

    /// Stores quarantined rows of this batch.
    pub async fn write_quarantine(&mut self, rows: &[QuarantinedRow]) -> Result<(), StoreError> {
        let codec = self.store.codec.clone();
        let scope = format!("quarantine:{}", self.outcome.batch_id);
        let values = rows
            .iter()
            .map(|q| {
                vec![
                    Val::Text(self.outcome.batch_id.clone()),
                    Val::Int(q.line as i64),
                    Val::OptText(q.field.clone()),
                    Val::Text(q.reason.code().to_string()),
                    Val::Text(q.detail.clone()),
                    Val::Blob(codec.encode(&scope, &q.raw)),
                ]
            })
            .collect();
        insert_rows(
            self.store.backend,
            &mut self.tx,
            "quarantine",
            &["batch_id", "line_no", "field", "reason", "detail", "raw"],
            values,
        )
        .await?;
        self.outcome.quarantined += rows.len() as u64;
        Ok(())
    }

    /// Applies the refresh rule, records the batch's totals and commits.
    pub async fn finish(
        mut self,
        file_sha256: &str,
        rows_read: u64,
        unknown_columns: &[String],
    ) -> Result<BatchOutcome, StoreError> {
        if self.source.mode == IngestMode::Refresh {
            self.outcome.removed_records = self.remove_earlier_records().await?;
        }
        let o = &self.outcome;
        sqlx::query(
            "UPDATE batches SET file_sha256 = $1, rows_read = $2, rows_accepted = $3, rows_quarantined = $4,
                 new_persons = $5, known_persons = $6, removed_records = $7, unknown_columns = $8 WHERE id = $9",
        )
        .bind(file_sha256)
        .bind(rows_read as i64)
        .bind(o.accepted as i64)
        .bind(o.quarantined as i64)
        .bind(o.new_persons as i64)
        .bind(o.known_records as i64)
        .bind(o.removed_records as i64)
        .bind(unknown_columns.join("\t"))
        .bind(&o.batch_id)
        .execute(&mut *self.tx)
        .await?;
        self.tx.commit().await?;
        Ok(self.outcome)
    }

    /// Removes everything the partner supplied before this batch: its records, their values and
    /// keys, the quarantine of its earlier batches, and persons left with no record.
    async fn remove_earlier_records(&mut self) -> Result<u64, StoreError> {
        let earlier = "SELECT id FROM source_records WHERE partner_id = $1 AND batch_id <> $2";
        for table in ["identity_keys", "record_values"] {
            let sql = format!("DELETE FROM {table} WHERE source_record_id IN ({earlier})");
            sqlx::query(AssertSqlSafe(sql))
                .bind(&self.partner_id)
                .bind(&self.outcome.batch_id)
                .execute(&mut *self.tx)
                .await?;
        }
        let removed = sqlx::query("DELETE FROM source_records WHERE partner_id = $1 AND batch_id <> $2")
            .bind(&self.partner_id)
            .bind(&self.outcome.batch_id)
            .execute(&mut *self.tx)
            .await?
            .rows_affected();
        sqlx::query(
            "DELETE FROM quarantine WHERE batch_id IN (SELECT id FROM batches WHERE partner_id = $1 AND id <> $2)",
        )
        .bind(&self.partner_id)
        .bind(&self.outcome.batch_id)
        .execute(&mut *self.tx)
        .await?;
        if removed > 0 {
            sqlx::query(
                "DELETE FROM persons WHERE NOT EXISTS (SELECT 1 FROM source_records s WHERE s.person_id = persons.id)",
            )
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(removed)
    }
}
