//! Finding the persons a set of blocking keys points at, and loading their records' matching
//! forms.

use std::collections::{BTreeMap, BTreeSet};

use dataward_core::linkage::{MatchRecord, legacy_full_name_key};
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::row::Cols;
use crate::sql::{Val, placeholder_list};
use crate::{Backend, Store, StoreError};

/// Parameters per `IN (...)` list.
const CHUNK: usize = 5_000;
/// Block keys per lookup statement on PostgreSQL. The planner costs an index scan by the
/// number of keys and a sequential scan by the table's size, so an `IN` list of thousands of
/// keys scans the whole `blocking_keys` table (60 ms a statement at 100,000 records, growing
/// with the table) where a few hundred take the primary key, and a full list of this length
/// is one statement text, prepared once per connection.
const PG_KEY_CHUNK: usize = 400;

/// A person held in the store with its records in matching form, in record-id order.
pub(crate) struct HeldPerson {
    pub person_id: String,
    pub records: Vec<(String, MatchRecord)>,
}

/// The stored (keyed) block keys a record looks up: its probe keys (`Blocker::probe_keys`), and
/// the full-name key of stores written before that rule took the year of birth (see
/// [`legacy_full_name_key`]).
pub(crate) fn keyed_probe_keys(store: &Store, mut probe: Vec<u64>, record: &MatchRecord) -> Vec<i64> {
    probe.extend(legacy_full_name_key(record));
    probe.into_iter().map(|k| store.indexer.block_key(k)).collect()
}

/// The persons holding a record under one of `block_keys`, skipping keys whose block has more
/// than `max_block` records (a block that large says little: "everyone born in 1980").
///
/// One statement per chunk of keys: the sizes of the blocks are counted in a subquery (through
/// the primary key, which starts with `block_key`) and only the small blocks' persons returned.
pub(crate) async fn candidate_persons(
    conn: &mut AnyConnection,
    backend: Backend,
    block_keys: &[i64],
    max_block: usize,
) -> Result<Vec<String>, StoreError> {
    let keys = unique_keys(block_keys);
    let mut persons = BTreeSet::new();
    for chunk in keys.chunks(keys_per_statement(backend)) {
        let sql = format!(
            "SELECT DISTINCT person_id FROM blocking_keys WHERE {}",
            in_small_blocks(backend, chunk.len(), max_block)
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

/// `block_keys` sorted, each once.
pub(crate) fn unique_keys(block_keys: &[i64]) -> Vec<i64> {
    let mut keys = block_keys.to_vec();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Block keys per lookup statement.
fn keys_per_statement(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => CHUNK,
        Backend::Postgres => PG_KEY_CHUNK,
    }
}

/// The condition "a row of `blocking_keys` under one of `keys` bound keys (from parameter 1)
/// whose block has at most `max_block` records": the sizes are counted in a subquery through
/// the primary key, which starts with `block_key`.
fn in_small_blocks(backend: Backend, keys: usize, max_block: usize) -> String {
    // `max_block` is a number from the blocker, never input: safe to write into the SQL.
    format!(
        "block_key IN (SELECT block_key FROM blocking_keys WHERE block_key IN ({})
         GROUP BY block_key HAVING COUNT(*) <= {max_block})",
        placeholder_list(backend, 1, keys)
    )
}

/// What a query's blocks hold: the persons in them, and the id of the linkage model that was
/// active when they were read (`None` when the blocks were empty or read in several statements).
pub(crate) struct Blocks {
    pub held: Vec<HeldPerson>,
    pub active_model: Option<String>,
}

/// The persons holding a record under one of `block_keys` (as [`candidate_persons`]) with all
/// their records in matching form, only active partners' records when `active_partners_only`
/// (a person left with none is not returned). A query's few keys take one statement instead
/// of a lookup and then a load, which also says which model is active (two round trips fewer
/// for every client match), read in place on a SQLite file store (`direct`).
pub(crate) async fn held_persons_in_blocks(
    store: &Store,
    block_keys: &[i64],
    max_block: usize,
    active_partners_only: bool,
) -> Result<Blocks, StoreError> {
    let keys = unique_keys(block_keys);
    if keys.len() > keys_per_statement(store.backend) {
        let mut conn = store.pool.acquire().await?;
        let persons = candidate_persons(&mut conn, store.backend, &keys, max_block).await?;
        let held = held_persons_of(&mut conn, store, &persons, active_partners_only).await?;
        return Ok(Blocks { held, active_model: None });
    }
    let condition = format!(
        "m.person_id IN (SELECT person_id FROM blocking_keys WHERE {})",
        in_small_blocks(store.backend, keys.len(), max_block)
    );
    let sql = forms_sql(&condition, active_partners_only, true);
    let binds: Vec<Val> = keys.iter().map(|k| Val::Int(*k)).collect();
    let rows = store.read_rows(&sql, &binds, |row| Ok((form_row(store, row)?, row.opt_text("model_id")?))).await?;
    let mut active_model = None;
    let mut by_person: BTreeMap<String, Vec<(String, MatchRecord)>> = BTreeMap::new();
    for ((person, record, matchable), model) in rows {
        active_model = model;
        by_person.entry(person).or_default().push((record, matchable));
    }
    Ok(Blocks { held: into_held(by_person), active_model })
}

/// Every record of `person_ids`, decoded into matching form, by person.
pub(crate) async fn held_persons(
    conn: &mut AnyConnection,
    store: &Store,
    person_ids: &[String],
) -> Result<Vec<HeldPerson>, StoreError> {
    held_persons_of(conn, store, person_ids, false).await
}

async fn held_persons_of(
    conn: &mut AnyConnection,
    store: &Store,
    person_ids: &[String],
    active_partners_only: bool,
) -> Result<Vec<HeldPerson>, StoreError> {
    let mut by_person: BTreeMap<String, Vec<(String, MatchRecord)>> = BTreeMap::new();
    for chunk in person_ids.chunks(CHUNK) {
        let condition = format!("m.person_id IN ({})", placeholder_list(store.backend, 1, chunk.len()));
        let mut query = sqlx::query(AssertSqlSafe(forms_sql(&condition, active_partners_only, false)));
        for p in chunk {
            query = query.bind(p.clone());
        }
        collect_forms(store, &query.fetch_all(&mut *conn).await?, &mut by_person)?;
    }
    Ok(into_held(by_person))
}

/// The statement loading matching forms and data keys of the records meeting `condition` (on
/// `match_records m`), of active partners only when asked, and on each row the id of the active
/// linkage model (`model_id`) when asked.
fn forms_sql(condition: &str, active_partners_only: bool, with_active_model: bool) -> String {
    let model = if with_active_model { ", (SELECT id FROM linkage_models WHERE active = 1) AS model_id" } else { "" };
    let (join, filter) = if active_partners_only {
        ("JOIN partners p ON p.id = m.partner_id", "p.status = 'active' AND")
    } else {
        ("", "")
    };
    format!(
        "SELECT m.source_record_id, m.person_id, m.form, k.wrapped{model} FROM match_records m {join}
         LEFT JOIN record_keys k ON k.source_record_id = m.source_record_id WHERE {filter} {condition}"
    )
}

/// Decodes rows of [`forms_sql`] into `by_person`.
fn collect_forms(
    store: &Store,
    rows: &[sqlx::any::AnyRow],
    by_person: &mut BTreeMap<String, Vec<(String, MatchRecord)>>,
) -> Result<(), StoreError> {
    for row in rows {
        let (person, record, matchable) = form_row(store, row)?;
        by_person.entry(person).or_default().push((record, matchable));
    }
    Ok(())
}

/// One row of [`forms_sql`]: its person, its record and the record's matching form.
fn form_row(store: &Store, row: &dyn Cols) -> Result<(String, String, MatchRecord), StoreError> {
    let record = row.text("source_record_id")?;
    let matchable = decode_form(store, &record, row.opt_blob("wrapped")?, &row.blob("form")?)?;
    Ok((row.text("person_id")?, record, matchable))
}

/// The persons in person-id order, each with its records in record-id order.
pub(crate) fn into_held(by_person: BTreeMap<String, Vec<(String, MatchRecord)>>) -> Vec<HeldPerson> {
    by_person
        .into_iter()
        .map(|(person_id, mut records)| {
            records.sort_by(|a, b| a.0.cmp(&b.0));
            HeldPerson { person_id, records }
        })
        .collect()
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
