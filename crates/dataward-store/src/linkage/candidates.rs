//! Finding the persons a set of blocking keys points at, and loading their records' matching
//! forms.

use std::collections::{BTreeMap, BTreeSet};

use dataward_core::linkage::MatchRecord;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::sql::placeholder_list;
use crate::{Backend, Store, StoreError};

/// Parameters per `IN (...)` list.
const CHUNK: usize = 5_000;

/// A person held in the store with its records in matching form, in record-id order.
pub(crate) struct HeldPerson {
    pub person_id: String,
    pub records: Vec<(String, MatchRecord)>,
}

/// The persons holding a record under one of `block_keys`, skipping keys whose block has more
/// than `max_block` records (a block that large says little: "everyone born in 1980").
pub(crate) async fn candidate_persons(
    conn: &mut AnyConnection,
    backend: Backend,
    block_keys: &[i64],
    max_block: usize,
) -> Result<Vec<String>, StoreError> {
    let mut keys: Vec<i64> = block_keys.to_vec();
    keys.sort_unstable();
    keys.dedup();
    let mut small = Vec::with_capacity(keys.len());
    for chunk in keys.chunks(CHUNK) {
        let sql = format!(
            "SELECT block_key, COUNT(*) AS n FROM blocking_keys WHERE block_key IN ({}) GROUP BY block_key",
            placeholder_list(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for k in chunk {
            query = query.bind(*k);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let n: i64 = row.try_get("n")?;
            if n as usize <= max_block {
                small.push(row.try_get::<i64, _>("block_key")?);
            }
        }
    }
    let mut persons = BTreeSet::new();
    for chunk in small.chunks(CHUNK) {
        let sql = format!(
            "SELECT DISTINCT person_id FROM blocking_keys WHERE block_key IN ({})",
            placeholder_list(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for k in chunk {
            query = query.bind(*k);
        }
        for row in query.fetch_all(&mut *conn).await? {
            persons.insert(row.try_get::<String, _>("person_id")?);
        }
    }
    Ok(persons.into_iter().collect())
}

/// Every record of `person_ids`, decoded into matching form, by person.
pub(crate) async fn held_persons(
    conn: &mut AnyConnection,
    store: &Store,
    person_ids: &[String],
) -> Result<Vec<HeldPerson>, StoreError> {
    let mut by_person: BTreeMap<String, Vec<(String, MatchRecord)>> = BTreeMap::new();
    for chunk in person_ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT m.source_record_id, m.person_id, m.form, k.wrapped FROM match_records m
             LEFT JOIN record_keys k ON k.source_record_id = m.source_record_id WHERE m.person_id IN ({})",
            placeholder_list(store.backend, 1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for p in chunk {
            query = query.bind(p.clone());
        }
        for row in query.fetch_all(&mut *conn).await? {
            let person: String = row.try_get("person_id")?;
            let record: String = row.try_get("source_record_id")?;
            let form: Vec<u8> = row.try_get("form")?;
            let matchable = decode_form(store, &record, row.try_get("wrapped")?, &form)?;
            by_person.entry(person).or_default().push((record, matchable));
        }
    }
    Ok(by_person
        .into_iter()
        .map(|(person_id, mut records)| {
            records.sort_by(|a, b| a.0.cmp(&b.0));
            HeldPerson { person_id, records }
        })
        .collect())
}

/// Reads a record's stored matching form back with its wrapped key.
pub(crate) fn decode_form(
    store: &Store,
    record: &str,
    wrapped: Option<Vec<u8>>,
    form: &[u8],
) -> Result<MatchRecord, StoreError> {
    let key = store.record_key(record, wrapped)?;
    let text = crate::codec::decode(key.as_ref(), record, form)?;
    MatchRecord::from_stored(&text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The records among `person_ids`' whose partner is not active (withdrawn): client queries do
/// not match on them, so a person held only through a withdrawn partner is not found.
pub(crate) async fn inactive_records(
    conn: &mut AnyConnection,
    backend: Backend,
    person_ids: &[String],
) -> Result<BTreeSet<String>, StoreError> {
    let mut out = BTreeSet::new();
    for chunk in person_ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT s.id FROM source_records s JOIN partners p ON p.id = s.partner_id
             WHERE p.status <> 'active' AND s.person_id IN ({})",
            placeholder_list(backend, 1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for p in chunk {
            query = query.bind(p.clone());
        }
        for row in query.fetch_all(&mut *conn).await? {
            out.insert(row.try_get::<String, _>("id")?);
        }
    }
    Ok(out)
}
