//! Writing a linkage outcome back: records that change person, persons merged away, the
//! history of events and the possible pairs for review.

use std::collections::BTreeMap;

use dataward_core::linkage::{Event, PersonId, RecordId};
use serde_json::json;
use sqlx::{AnyConnection, AssertSqlSafe};

use crate::sql::{Val, insert_rows, placeholder_list};
use crate::store::new_id;
use crate::{Backend, StoreError};

/// Tables whose rows follow their source record's person, `source_records` first (so the
/// reverse order deletes children before their record).
pub(crate) const PERSON_SCOPED_BY_RECORD: &[(&str, &str)] = &[
    ("source_records", "id"),
    ("record_values", "source_record_id"),
    ("match_records", "source_record_id"),
    ("blocking_keys", "source_record_id"),
    ("linkage_reviews", "source_record_id"),
    ("selection_facets", "source_record_id"),
    ("rights_flags", "source_record_id"),
    ("record_keys", "source_record_id"),
];

/// Deletes `records` from every table of [`PERSON_SCOPED_BY_RECORD`], children before the
/// records themselves (their data keys included, which is what makes copies unreadable).
pub(crate) async fn delete_record_rows(
    conn: &mut AnyConnection,
    backend: Backend,
    records: &[String],
) -> Result<(), StoreError> {
    for chunk in records.chunks(1_000) {
        let list = placeholder_list(backend, 1, chunk.len());
        for (table, column) in PERSON_SCOPED_BY_RECORD.iter().rev() {
            let mut q = sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE {column} IN ({list})")));
            for record in chunk {
                q = q.bind(record.as_str());
            }
            q.execute(&mut *conn).await?;
        }
    }
    Ok(())
}

/// Moves records to other persons: `(record, from, to)`.
///
/// Values keep their bytes: they are sealed under their record's key, which moves with the
/// record (see `crate::keys`).
pub(crate) async fn move_records(
    conn: &mut AnyConnection,
    backend: Backend,
    moves: &[(String, String, String)],
) -> Result<(), StoreError> {
    let mut by_target: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (record, _, to) in moves {
        by_target.entry(to.as_str()).or_default().push(record.as_str());
    }
    for (to, records) in by_target {
        for chunk in records.chunks(2_000) {
            for (table, column) in PERSON_SCOPED_BY_RECORD {
                let sql = format!(
                    "UPDATE {table} SET person_id = {} WHERE {column} IN ({})",
                    placeholder_list(backend, 1, 1),
                    placeholder_list(backend, 2, chunk.len())
                );
                let mut query = sqlx::query(AssertSqlSafe(sql)).bind(to.to_string());
                for r in chunk {
                    query = query.bind(r.to_string());
                }
                query.execute(&mut *conn).await?;
            }
        }
    }
    Ok(())
}

/// Deletes persons left without records.
pub(crate) async fn delete_persons(
    conn: &mut AnyConnection,
    backend: Backend,
    persons: &[String],
) -> Result<(), StoreError> {
    for chunk in persons.chunks(2_000) {
        let sql = format!(
            "DELETE FROM persons WHERE id IN ({}) AND NOT EXISTS \
             (SELECT 1 FROM source_records s WHERE s.person_id = persons.id)",
            placeholder_list(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for p in chunk {
            query = query.bind(p.clone());
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Names working ids in store terms.
pub(crate) struct Names<'a> {
    pub person: &'a (dyn Fn(PersonId) -> Option<String> + Sync),
    pub record: &'a (dyn Fn(RecordId) -> Option<String> + Sync),
}

/// One stored event row per store person the event concerns.
pub(crate) fn event_rows(event: &Event, names: &Names<'_>, at: &str, batch_id: Option<&str>) -> Vec<Vec<Val>> {
    let p = |id: PersonId| (names.person)(id);
    let r = |id: RecordId| (names.record)(id);
    let (kind, record, concerned, detail) = match event {
        Event::Created { person, record } => {
            ("created", r(*record), vec![p(*person)], json!({ "person": p(*person), "record": r(*record) }))
        }
        Event::Linked { person, record, via, weight } => (
            "linked",
            r(*record),
            vec![p(*person)],
            json!({ "person": p(*person), "record": r(*record), "via": r(*via), "weight": weight }),
        ),
        Event::Merged { into, from, by, weight } => (
            "merged",
            r(*by),
            vec![p(*into), p(*from)],
            json!({ "into": p(*into), "from": p(*from), "by": r(*by), "weight": weight }),
        ),
        Event::MergeRefused { kept, other, by, reason } => (
            "merge_refused",
            r(*by),
            vec![p(*kept), p(*other)],
            json!({ "kept": p(*kept), "other": p(*other), "by": r(*by), "reason": reason }),
        ),
        Event::Split { from, into, records, by } => (
            "split",
            by.and_then(r),
            vec![p(*from), p(*into)],
            json!({
                "from": p(*from),
                "into": p(*into),
                "records": records.iter().map(|x| r(*x)).collect::<Vec<_>>(),
                "by": by.and_then(r),
            }),
        ),
        Event::Removed { person, record } => {
            ("removed", r(*record), vec![p(*person)], json!({ "person": p(*person), "record": r(*record) }))
        }
    };
    let id = new_id();
    let mut concerned: Vec<String> = concerned.into_iter().flatten().collect();
    concerned.dedup();
    let detail = detail.to_string();
    concerned.iter().map(|person| event_row(&id, person, at, batch_id, kind, record.as_deref(), &detail)).collect()
}

/// One `linkage_events` row: event `id` as it concerns `person`.
pub(crate) fn event_row(
    id: &str,
    person: &str,
    at: &str,
    batch_id: Option<&str>,
    kind: &str,
    record: Option<&str>,
    detail: &str,
) -> Vec<Val> {
    vec![
        Val::Text(id.to_string()),
        Val::Text(person.to_string()),
        Val::Text(at.to_string()),
        Val::OptText(batch_id.map(str::to_string)),
        Val::Text(kind.to_string()),
        Val::OptText(record.map(str::to_string)),
        Val::Text(detail.to_string()),
    ]
}

pub(crate) async fn insert_events(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: Vec<Vec<Val>>,
) -> Result<(), StoreError> {
    insert_rows(
        backend,
        conn,
        "linkage_events",
        &["id", "person_id", "at", "batch_id", "kind", "source_record_id", "detail"],
        rows,
    )
    .await?;
    Ok(())
}

/// A review row for a record whose best other person was only a possible match.
pub(crate) fn review_row(record: &str, person: &str, candidate: &str, probability: f64, at: &str) -> Vec<Val> {
    vec![
        Val::Text(new_id()),
        Val::Text(record.to_string()),
        Val::Text(person.to_string()),
        Val::Text(candidate.to_string()),
        Val::Real(probability),
        Val::Text(at.to_string()),
        Val::Text("open".to_string()),
    ]
}

pub(crate) async fn insert_reviews(
    conn: &mut AnyConnection,
    backend: Backend,
    rows: Vec<Vec<Val>>,
) -> Result<(), StoreError> {
    insert_rows(
        backend,
        conn,
        "linkage_reviews",
        &["id", "source_record_id", "person_id", "candidate_person", "probability", "created_at", "status"],
        rows,
    )
    .await?;
    Ok(())
}
