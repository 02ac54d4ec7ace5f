//! What completing a request does to held data: rights flags on a person's records, erasure of
//! every source record (with suppression of the person's identifiers so no partner file brings
//! them back), and rectification of a field on every source record.

use std::collections::BTreeSet;

use dataward_core::audit::Actor;
use dataward_core::rights::Correction;
use dataward_core::rights::flags::{Flag, FlagChange};
use dataward_core::screening::subject_digests;
use jiff::Timestamp;
use serde::Serialize;
use sqlx::{AnyConnection, Row};

use crate::linkage::apply::delete_record_rows;
use crate::store::new_id;
use crate::{Store, StoreError};

/// What an erasure removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ErasureSummary {
    pub persons: usize,
    pub records: usize,
    pub values: usize,
    /// The partners that supplied the erased data (names), to be told and for the record.
    pub partners: Vec<String>,
    /// Identifiers newly suppressed (keyed digests; never the values).
    pub suppressed_identifiers: usize,
}

/// What a rectification changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RectificationSummary {
    /// `(field, records changed)`.
    pub fields: Vec<(String, usize)>,
    pub partners: Vec<String>,
}

const PHONE_FIELDS: [&str; 3] = ["mobile", "landline", "phone"];

async fn records_of(conn: &mut AnyConnection, person_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT id FROM source_records WHERE person_id = $1")
        .bind(person_id)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

async fn partners_of(conn: &mut AnyConnection, person_id: &str) -> Result<Vec<String>, StoreError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT p.name FROM source_records s JOIN partners p ON p.id = s.partner_id
         WHERE s.person_id = $1 ORDER BY p.name",
    )
    .bind(person_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

impl Store {
    /// The rights flags on a person's records.
    pub async fn subject_flags(&self, person_id: &str) -> Result<BTreeSet<Flag>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as("SELECT DISTINCT flag FROM rights_flags WHERE person_id = $1")
            .bind(person_id)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter()
            .map(|(f,)| Flag::parse(&f).ok_or_else(|| StoreError::Corrupt(format!("rights flag `{f}`"))))
            .collect()
    }

    /// Sets and clears flags on every record of the persons, for `request_id`.
    pub async fn change_subject_flags(
        &self,
        person_ids: &[String],
        change: &FlagChange,
        request_id: &str,
        actor: Actor,
        now: Timestamp,
    ) -> Result<usize, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut records = 0;
        for person in person_ids {
            for record in records_of(&mut tx, person).await? {
                records += 1;
                for flag in &change.set {
                    sqlx::query(
                        "INSERT INTO rights_flags (source_record_id, person_id, flag, request_id, set_at)
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source_record_id, flag) DO NOTHING",
                    )
                    .bind(&record)
                    .bind(person)
                    .bind(flag.as_str())
                    .bind(request_id)
                    .bind(now.to_string())
                    .execute(&mut *tx)
                    .await?;
                }
            }
            for flag in &change.clear {
                sqlx::query("DELETE FROM rights_flags WHERE person_id = $1 AND flag = $2")
                    .bind(person)
                    .bind(flag.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let set: Vec<String> = change.set.iter().map(|f| f.as_str()).collect();
        let clear: Vec<String> = change.clear.iter().map(|f| f.as_str()).collect();
        let detail = serde_json::json!({ "request": request_id, "persons": person_ids, "set": set, "clear": clear });
        crate::audit::record(&mut tx, actor, "rights_flags", request_id, detail, now).await?;
        tx.commit().await?;
        Ok(records)
    }

    /// Erases persons: suppresses every identifier they were held under (reason `erasure`,
    /// scope all), then removes every source record, value, matching form and flag, and the
    /// persons, in one transaction. Disclosure-ledger rows stay: they hold no values and are the
    /// record of who must be told. The records' data keys are destroyed with them
    /// (crypto-erasure), and the erasure is appended to the audit log in the same transaction.
    pub async fn erase_persons(
        &self,
        person_ids: &[String],
        actor: Actor,
        now: Timestamp,
    ) -> Result<ErasureSummary, StoreError> {
        let mut summary = ErasureSummary { persons: person_ids.len(), ..ErasureSummary::default() };
        let mut tx = self.begin_write().await?;
        let mut partners = BTreeSet::new();
        for person in person_ids {
            partners.extend(partners_of(&mut tx, person).await?);
            let values = sqlx::query(
                "SELECT v.source_record_id, v.field, v.value, k.wrapped FROM record_values v
                 LEFT JOIN record_keys k ON k.source_record_id = v.source_record_id WHERE v.person_id = $1",
            )
            .bind(person)
            .fetch_all(&mut *tx)
            .await?;
            let mut by_record: std::collections::BTreeMap<String, Vec<(String, String)>> = Default::default();
            for v in &values {
                let record: String = v.try_get("source_record_id")?;
                let stored: Vec<u8> = v.try_get("value")?;
                let key = self.record_key(&record, v.try_get("wrapped")?)?;
                let value = crate::codec::decode(key.as_ref(), &record, &stored)?;
                by_record.entry(record).or_default().push((v.try_get("field")?, value));
            }
            summary.values += values.len();
            let mut emails = Vec::new();
            let mut phones = Vec::new();
            let mut addresses = Vec::new();
            for fields in by_record.values() {
                let get = |name: &str| fields.iter().find(|(f, _)| f == name).map(|(_, v)| v.as_str());
                for (f, v) in fields {
                    if f == "email" {
                        emails.push(v.as_str());
                    } else if PHONE_FIELDS.contains(&f.as_str()) {
                        phones.push(v.as_str());
                    }
                }
                if let (Some(s), Some(l), Some(p)) = (get("surname"), get("address_line_1"), get("postcode")) {
                    addresses.push((s, l, p));
                }
            }
            for (kind, digest) in subject_digests(&self.indexer, &emails, &phones, &addresses) {
                let added = sqlx::query(
                    "INSERT INTO suppressions (id, digest, identifier_kind, reason, scope, person_id, created_at)
                     VALUES ($1, $2, $3, 'erasure', 'all', $4, $5)
                     ON CONFLICT (digest, identifier_kind, reason, scope) DO NOTHING",
                )
                .bind(new_id())
                .bind(digest.to_vec())
                .bind(kind.as_str())
                .bind(person)
                .bind(now.to_string())
                .execute(&mut *tx)
                .await?;
                summary.suppressed_identifiers += added.rows_affected() as usize;
            }
            let records = records_of(&mut tx, person).await?;
            summary.records += records.len();
            // Every table that follows a record (its data key included), children first.
            delete_record_rows(&mut tx, self.backend, &records).await?;
            sqlx::query("DELETE FROM persons WHERE id = $1").bind(person).execute(&mut *tx).await?;
        }
        summary.partners = partners.into_iter().collect();
        let detail = serde_json::json!({
            "persons": person_ids, "records": summary.records, "values": summary.values,
            "suppressed_identifiers": summary.suppressed_identifiers, "partners": summary.partners,
        });
        crate::audit::record(&mut tx, actor, "rights_erase", &person_ids.join(","), detail, now).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Writes each correction to every source record of the persons that holds the field (a
    /// phone correction replaces every phone field). Lookup digests follow the new value.
    /// Each value is sealed again under its own record's key; audited like every rights action.
    pub async fn rectify_persons(
        &self,
        person_ids: &[String],
        corrections: &[Correction],
        actor: Actor,
        now: Timestamp,
    ) -> Result<RectificationSummary, StoreError> {
        let mut summary = RectificationSummary::default();
        let mut partners = BTreeSet::new();
        let mut tx = self.begin_write().await?;
        for person in person_ids {
            partners.extend(partners_of(&mut tx, person).await?);
        }
        let mut touched = BTreeSet::new();
        for c in corrections {
            let fields: Vec<&str> = if c.field == "phone" { PHONE_FIELDS.to_vec() } else { vec![c.field.as_str()] };
            let mut changed = 0;
            for person in person_ids {
                for field in &fields {
                    let hashed = crate::ingest_tx::LOOKUP_FIELDS.contains(field);
                    let digest = hashed.then(|| self.indexer.digest(&format!("value:{field}"), &c.value).to_vec());
                    let rows = sqlx::query(
                        "SELECT v.source_record_id, k.wrapped FROM record_values v
                         LEFT JOIN record_keys k ON k.source_record_id = v.source_record_id
                         WHERE v.person_id = $1 AND v.field = $2",
                    )
                    .bind(person)
                    .bind(*field)
                    .fetch_all(&mut *tx)
                    .await?;
                    for row in rows {
                        let record: String = row.try_get("source_record_id")?;
                        touched.insert(record.clone());
                        let key = self
                            .record_key(&record, row.try_get("wrapped")?)?
                            .ok_or_else(|| StoreError::Corrupt(format!("record {record} has no data key")))?;
                        let done = sqlx::query(
                            "UPDATE record_values SET value = $1, value_hash = $2 WHERE source_record_id = $3 AND field = $4",
                        )
                        .bind(crate::codec::encode(&key, &record, &c.value))
                        .bind(digest.clone())
                        .bind(&record)
                        .bind(*field)
                        .execute(&mut *tx)
                        .await?;
                        changed += done.rows_affected() as usize;
                    }
                }
            }
            summary.fields.push((c.field.clone(), changed));
        }
        // The records' matching forms, blocking keys and facets follow the corrected values (the
        // person keeps its records: a rectification corrects the person, it does not re-link it).
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        for record in &touched {
            self.rebuild_record_forms(&mut tx, record, today).await?;
        }
        let fields: Vec<&str> = corrections.iter().map(|c| c.field.as_str()).collect();
        let detail = serde_json::json!({ "persons": person_ids, "fields": fields, "changed": summary.fields });
        crate::audit::record(&mut tx, actor, "rights_rectify", &person_ids.join(","), detail, now).await?;
        tx.commit().await?;
        summary.partners = partners.into_iter().collect();
        Ok(summary)
    }
}
