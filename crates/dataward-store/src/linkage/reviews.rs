//! The possible band: pairs never linked automatically, listed for a person to decide.
//!
//! A review names a new record and the person it possibly belongs to. `link` merges the
//! record's person into the candidate (recorded as a manual merge in the history), `reject`
//! closes the review; either way the decision and its time are kept.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use super::apply::{delete_persons, event_row, insert_events, move_records};
use crate::store::new_id;
use crate::{Store, StoreError};

/// A pair awaiting (or past) review. Identifiers only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub id: String,
    pub source_record_id: String,
    pub person_id: String,
    pub candidate_person: String,
    pub probability: f64,
    pub created_at: String,
    pub status: String,
    pub resolved_at: Option<String>,
}

/// A review decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewDecision {
    /// The record and the candidate are one person: merge.
    Link,
    /// They are different people.
    Reject,
}

impl Store {
    /// Reviews, open ones first, oldest first.
    pub async fn linkage_reviews(&self, only_open: bool) -> Result<Vec<Review>, StoreError> {
        let sql = if only_open {
            "SELECT * FROM linkage_reviews WHERE status = 'open' ORDER BY created_at, id"
        } else {
            "SELECT * FROM linkage_reviews ORDER BY CASE status WHEN 'open' THEN 0 ELSE 1 END, created_at, id"
        };
        let rows = sqlx::query(sql).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(Review {
                    id: r.try_get("id")?,
                    source_record_id: r.try_get("source_record_id")?,
                    person_id: r.try_get("person_id")?,
                    candidate_person: r.try_get("candidate_person")?,
                    probability: r.try_get("probability")?,
                    created_at: r.try_get("created_at")?,
                    status: r.try_get("status")?,
                    resolved_at: r.try_get("resolved_at")?,
                })
            })
            .collect()
    }

    /// Decides an open review. Linking moves every record of the record's person into the
    /// candidate person. Returns `false` when no open review has that id.
    pub async fn resolve_review(&self, id: &str, decision: ReviewDecision, now: Timestamp) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let row =
            sqlx::query("SELECT person_id, candidate_person FROM linkage_reviews WHERE id = $1 AND status = 'open'")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(row) = row else { return Ok(false) };
        let person: String = row.try_get("person_id")?;
        let candidate: String = row.try_get("candidate_person")?;
        let status = match decision {
            ReviewDecision::Link => "linked",
            ReviewDecision::Reject => "rejected",
        };
        let at = now.to_string();
        if decision == ReviewDecision::Link && person != candidate {
            let records: Vec<String> = sqlx::query_scalar("SELECT id FROM source_records WHERE person_id = $1")
                .bind(&person)
                .fetch_all(&mut *tx)
                .await?;
            let moves: Vec<(String, String, String)> =
                records.into_iter().map(|r| (r, person.clone(), candidate.clone())).collect();
            move_records(&mut tx, self.backend, &moves).await?;
            delete_persons(&mut tx, self.backend, std::slice::from_ref(&person)).await?;
            let event = new_id();
            let detail = json!({ "into": candidate, "from": person, "review": id, "manual": true }).to_string();
            let rows = [&candidate, &person]
                .iter()
                .map(|p| event_row(&event, p, &at, None, "merged", None, &detail))
                .collect();
            insert_events(&mut tx, self.backend, rows).await?;
        }
        sqlx::query("UPDATE linkage_reviews SET status = $1, resolved_at = $2 WHERE id = $3")
            .bind(status)
            .bind(&at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A person's linkage history, oldest first: (time, kind, detail JSON).
    pub async fn linkage_history(&self, person_id: &str) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = sqlx::query("SELECT at, kind, detail FROM linkage_events WHERE person_id = $1 ORDER BY at, id")
            .bind(person_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("at")?, r.try_get("kind")?, r.try_get("detail")?))).collect()
    }
}

impl Store {
    /// How a review's record compares with the candidate person's closest record, field by field
    /// (levels and weights, never values), under the active model.
    pub async fn review_evidence(
        &self,
        id: &str,
    ) -> Result<Option<Vec<dataward_core::linkage::FieldEvidence>>, StoreError> {
        let row = sqlx::query(
            "SELECT r.source_record_id, r.candidate_person, m.person_id, m.form, k.wrapped FROM linkage_reviews r
             JOIN match_records m ON m.source_record_id = r.source_record_id
             LEFT JOIN record_keys k ON k.source_record_id = r.source_record_id WHERE r.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let candidate: String = row.try_get("candidate_person")?;
        let form: Vec<u8> = row.try_get("form")?;
        let record_id: String = row.try_get("source_record_id")?;
        let record = super::candidates::decode_form(self, &record_id, row.try_get("wrapped")?, &form)?;
        let mut conn = self.pool.acquire().await?;
        let model = match super::model::active_on(&mut conn, self).await? {
            Some(m) => m.model(),
            None => return Ok(None),
        };
        let held = super::candidates::held_persons(&mut conn, self, &[candidate]).await?;
        let best = held
            .iter()
            .flat_map(|h| h.records.iter())
            .map(|(_, other)| model.compare(&record, other))
            .max_by(|a, b| a.1.weight.total_cmp(&b.1.weight));
        Ok(best.map(|(gamma, _)| model.evidence(&gamma)))
    }
}
