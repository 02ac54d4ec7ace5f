//! Removing source records with every trace, inside the caller's transaction: their values,
//! matching forms, blocking keys, selection facets, open reviews and rights flags; persons they held together
//! are split into the parts that still link (as a refresh does, with the same building blocks
//! from `linkage::apply`), and persons left with no record are deleted. Ledger rows and request
//! records stay: they are the record of what was released and hold no value.

use std::collections::BTreeSet;

use dataward_core::linkage::{MatchRecord, Model, linked_parts};
use dataward_core::profile::LinkageThresholds;
use sqlx::{AnyConnection, AssertSqlSafe};

use crate::linkage::apply::{delete_persons, delete_record_rows, event_row, insert_events, move_records};
use crate::linkage::candidates::held_persons;
use crate::sql::placeholder_list;
use crate::store::new_id;
use crate::{Backend, StoreError};

/// Records per statement.
const CHUNK: usize = 1_000;

/// What the removal needs besides the connection.
pub(crate) struct Removal<'a> {
    pub backend: Backend,
    /// Opens the matching forms of the persons left behind (under their records' keys).
    pub store: &'a crate::Store,
    pub model: &'a Model,
    pub thresholds: &'a LinkageThresholds,
    pub at: &'a str,
    /// Why, for the history (e.g. `{"purge": "retention_expired"}`).
    pub cause: serde_json::Value,
}

/// Removes `records` (`(record id, person id)`). Returns how many persons were deleted.
pub(crate) async fn remove_records(
    conn: &mut AnyConnection,
    removal: &Removal<'_>,
    records: &[(String, String)],
) -> Result<u64, StoreError> {
    let backend = removal.backend;
    let ids: Vec<String> = records.iter().map(|(record, _)| record.clone()).collect();
    delete_record_rows(conn, backend, &ids).await?;
    let persons: Vec<String> = records.iter().map(|(_, p)| p.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    let mut events = Vec::new();
    for (record, person) in records {
        let mut detail = serde_json::json!({ "person": person, "record": record });
        if let (Some(d), Some(c)) = (detail.as_object_mut(), removal.cause.as_object()) {
            d.extend(c.clone());
        }
        events.push(event_row(&new_id(), person, removal.at, None, "removed", Some(record), &detail.to_string()));
    }
    // Persons keeping records: split those a removed record held together.
    let held = held_persons(conn, removal.store, &persons).await?;
    let mut moves = Vec::new();
    for h in &held {
        let forms: Vec<MatchRecord> = h.records.iter().map(|(_, m)| m.clone()).collect();
        for part in linked_parts(removal.model, removal.thresholds, &forms).into_iter().skip(1) {
            let into = new_id();
            sqlx::query("INSERT INTO persons (id, created_at) VALUES ($1, $2)")
                .bind(&into)
                .bind(removal.at)
                .execute(&mut *conn)
                .await?;
            let moved: Vec<String> = part.iter().map(|&i| h.records[i].0.clone()).collect();
            let detail = serde_json::json!({ "from": h.person_id, "into": into, "records": moved, "by": null });
            for p in [&h.person_id, &into] {
                events.push(event_row(&new_id(), p, removal.at, None, "split", None, &detail.to_string()));
            }
            moves.extend(moved.into_iter().map(|r| (r, h.person_id.clone(), into.clone())));
        }
    }
    move_records(conn, backend, &moves).await?;
    insert_events(conn, backend, events).await?;
    let before = count_persons(conn, backend, &persons).await?;
    delete_persons(conn, backend, &persons).await?;
    let after = count_persons(conn, backend, &persons).await?;
    // Reviews that pointed at a deleted person have nothing left to decide.
    for chunk in persons.chunks(CHUNK) {
        let sql = format!(
            "DELETE FROM linkage_reviews WHERE candidate_person IN ({}) AND NOT EXISTS \
             (SELECT 1 FROM persons WHERE persons.id = linkage_reviews.candidate_person)",
            placeholder_list(backend, 1, chunk.len())
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for p in chunk {
            q = q.bind(p.clone());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(before - after)
}

async fn count_persons(conn: &mut AnyConnection, backend: Backend, persons: &[String]) -> Result<u64, StoreError> {
    let mut n = 0;
    for chunk in persons.chunks(CHUNK) {
        let sql = format!("SELECT COUNT(*) FROM persons WHERE id IN ({})", placeholder_list(backend, 1, chunk.len()));
        let mut q = sqlx::query_as::<_, (i64,)>(AssertSqlSafe(sql));
        for p in chunk {
            q = q.bind(p.clone());
        }
        n += q.fetch_one(&mut *conn).await?.0 as u64;
    }
    Ok(n)
}
