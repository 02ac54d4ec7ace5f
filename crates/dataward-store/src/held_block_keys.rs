//! Blocking keys of a large batch into a small SQLite store, held in memory until it commits.
//!
//! `blocking_keys` is ordered by block key, a keyed hash, so each of a record's sixteen rows
//! lands on a random page of the table's B-tree. Once the tree outgrows the batch's page cache
//! every insert costs a page written out to the write-ahead log and read back: at a million
//! rows it was the largest random-order tree a batch still wrote as it went (the digest
//! indexes are set aside, see `deferred_indexes`).
//!
//! So a batch that sets its digest indexes aside also keeps its blocking keys in memory: when it
//! starts holding them it reads the table's keys (the store is small, and the batch has written
//! only its first rows), and from then on it holds the keys of every record it writes. Its
//! candidate lookups are answered from memory alone, with the same block-size limit, so linking
//! a chunk needs no statement and can run while the chunk before is written (see
//! `batch_writes`). Before the batch commits, the keys of its own held records are inserted in
//! key order, so each page of the table is written once, and the table's record-id index is
//! built again over the whole table. Nothing outside the batch's transaction ever reads the
//! held keys: other connections see the committed table until the commit, and a failed batch
//! drops them with everything else.
//!
//! The same slots carry each held record's matching form (see `held_forms`), so one record id
//! map and one person per record serve both.

use std::collections::{BTreeSet, HashMap};

use dataward_core::linkage::{FastMap, MatchRecord};
use sqlx::AnyConnection;

use crate::deferred_indexes::DeferredIndexes;
use crate::held_forms::HeldForms;
use crate::linkage::candidates::{HeldPerson, held_persons, unique_keys};
use crate::sql::{OnFailure, Val, insert_rows_undoing};
use crate::{Backend, Store, StoreError};

/// The index on `blocking_keys` by record, built again once the held keys are in.
const RECORD_INDEX: &str = "blocking_keys_record";

/// Rows per insertion call when the keys are written (bounds the statements built at once).
const FLUSH_ROWS: usize = 20_000;

/// The end of a block's chain of entries.
const END: u32 = u32::MAX;

/// A batch's own blocking keys, by block, with each record's current person.
///
/// Blocks are chains through one array rather than a vector per key (as the core's
/// `BlockIndex` keeps them): most keys hold a single record, and a vector per key cost about
/// 2 GB more at a million records.
#[derive(Default)]
pub(crate) struct HeldBlockKeys {
    /// Per block key: its latest entry and how many entries it has.
    blocks: FastMap<u64, (u32, u32)>,
    /// Per entry: the record's slot and the block's previous entry (or [`END`]).
    entries: Vec<(u32, u32)>,
    /// Record id by slot.
    records: Vec<String>,
    /// The person each slot's record belongs to now (records move when persons merge or split).
    persons: Vec<String>,
    /// Slot by record id.
    slot_of: HashMap<String, u32>,
    /// Slots below this hold records read from the table, whose keys are there already.
    table_slots: u32,
    /// Each slot's record in matching form, and each person's slots.
    forms: HeldForms,
}

impl HeldBlockKeys {
    /// Starts holding with the store's records: each one's keys and matching form, under its
    /// current person.
    pub(crate) async fn start(conn: &mut AnyConnection, store: &Store) -> Result<HeldBlockKeys, StoreError> {
        let keys: Vec<(i64, String, String)> =
            sqlx::query_as("SELECT block_key, source_record_id, person_id FROM blocking_keys")
                .fetch_all(&mut *conn)
                .await?;
        let persons: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT person_id FROM match_records").fetch_all(&mut *conn).await?;
        let forms = held_persons(conn, store, &persons).await?;
        HeldBlockKeys::from_table(keys, forms)
    }

    /// Holds the table's records: `keys` as (key, record, person) rows, `persons` with their
    /// records in matching form. A record with keys but no form is refused: the store writes
    /// and removes the two together.
    fn from_table(keys: Vec<(i64, String, String)>, persons: Vec<HeldPerson>) -> Result<HeldBlockKeys, StoreError> {
        let mut keys_of: HashMap<String, Vec<i64>> = HashMap::new();
        for (key, record, _) in keys {
            keys_of.entry(record).or_default().push(key);
        }
        let mut held = HeldBlockKeys::default();
        for person in persons {
            for (record, form) in person.records {
                let keys = keys_of.remove(&record).unwrap_or_default();
                held.hold(&record, &person.person_id, &keys, form);
            }
        }
        if let Some(record) = keys_of.keys().next() {
            return Err(StoreError::Corrupt(format!("record {record} has blocking keys but no matching form")));
        }
        held.table_slots = held.records.len() as u32;
        Ok(held)
    }

    /// Holds `record`'s keys (repeats are kept once) and its matching form.
    pub(crate) fn hold(&mut self, record: &str, person: &str, keys: &[i64], form: MatchRecord) {
        let slot = u32::try_from(self.records.len()).expect("fewer than 4 billion records in one batch");
        self.forms.hold(slot, person, form);
        for key in unique_keys(keys).into_iter().map(|k| k as u64) {
            let entry = u32::try_from(self.entries.len()).expect("fewer than 4 billion keys in one batch");
            let block = self.blocks.entry(key).or_insert((END, 0));
            self.entries.push((slot, block.0));
            *block = (entry, block.1 + 1);
        }
        self.records.push(record.to_string());
        self.persons.push(person.to_string());
        self.slot_of.insert(record.to_string(), slot);
    }

    /// Follows records that changed person: `(record, from, to)`, the table's records as well
    /// as the batch's own (`move_records` updates the table).
    pub(crate) fn apply_moves(&mut self, moves: &[(String, String, String)]) {
        for (record, from, to) in moves {
            if let Some(&slot) = self.slot_of.get(record) {
                self.persons[slot as usize] = to.clone();
                self.forms.move_slot(slot, from, to);
            }
        }
    }

    /// How many (key, record) entries are held.
    pub(crate) fn entries(&self) -> usize {
        self.entries.len()
    }

    /// How many records are held in matching form.
    pub(crate) fn forms(&self) -> usize {
        self.forms.len()
    }

    /// Every record of `person_ids` in matching form, by person, in the table's order (see
    /// `HeldForms::held_persons`).
    pub(crate) fn held_persons(&self, person_ids: &[String]) -> Vec<HeldPerson> {
        self.forms.held_persons(person_ids, &self.records)
    }

    /// How many records are held under `key`.
    fn block_len(&self, key: u64) -> usize {
        self.blocks.get(&key).map_or(0, |b| b.1 as usize)
    }

    /// The slots of the records held under `key`, latest first.
    fn block(&self, key: u64) -> impl Iterator<Item = u32> + '_ {
        let mut entry = self.blocks.get(&key).map_or(END, |b| b.0);
        std::iter::from_fn(move || {
            let (slot, previous) = *self.entries.get(entry as usize)?;
            entry = previous;
            Some(slot)
        })
    }

    /// The persons holding a record under one of `block_keys`, skipping keys whose block has
    /// more than `max_block` records (as `candidate_persons` does in the table).
    pub(crate) fn candidate_persons(&self, block_keys: &[i64], max_block: usize) -> Vec<String> {
        let mut persons = BTreeSet::new();
        for k in unique_keys(block_keys).into_iter().map(|k| k as u64) {
            if self.block_len(k) <= max_block {
                persons.extend(self.block(k).map(|slot| self.persons[slot as usize].clone()));
            }
        }
        persons.into_iter().collect()
    }

    /// Writes the keys of the batch's own held records into `blocking_keys` in key order and
    /// builds the table's record index again, all inside the batch's transaction.
    pub(crate) async fn write_into_table(self, conn: &mut AnyConnection, backend: Backend) -> Result<(), StoreError> {
        if self.records.len() == self.table_slots as usize {
            return Ok(());
        }
        let record_index = DeferredIndexes::set_aside_named(conn, &[RECORD_INDEX]).await?;
        let mut entries: Vec<(i64, u32)> = Vec::with_capacity(self.entries.len());
        for &key in self.blocks.keys() {
            entries.extend(self.block(key).filter(|&slot| slot >= self.table_slots).map(|slot| (key as i64, slot)));
        }
        // The blocks and forms are not needed any more: their memory goes before the rows are built.
        let HeldBlockKeys { blocks, entries: chains, slot_of, records, persons, forms, .. } = self;
        drop((blocks, chains, slot_of, forms));
        // The table's order: block key, then record id.
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| records[a.1 as usize].cmp(&records[b.1 as usize])));
        for chunk in entries.chunks(FLUSH_ROWS) {
            let rows = chunk
                .iter()
                .map(|&(key, slot)| {
                    vec![
                        Val::Int(key),
                        Val::Text(records[slot as usize].clone()),
                        Val::Text(persons[slot as usize].clone()),
                    ]
                })
                .collect();
            insert_rows_undoing(
                backend,
                OnFailure::RollBackTransaction,
                conn,
                "blocking_keys",
                &["block_key", "source_record_id", "person_id"],
                rows,
            )
            .await?;
        }
        record_index.rebuild(conn).await
    }
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection, Executor};

    use super::*;
    use crate::testing::fresh_store;

    async fn table_rows(conn: &mut AnyConnection) -> Vec<(i64, String, String)> {
        sqlx::query_as(
            "SELECT block_key, source_record_id, person_id FROM blocking_keys ORDER BY block_key, source_record_id",
        )
        .fetch_all(conn)
        .await
        .unwrap()
    }

    /// Holds the table's keys as `start` does, each record with a blank matching form.
    async fn held_from_table(conn: &mut AnyConnection) -> HeldBlockKeys {
        let rows = table_rows(conn).await;
        let mut by_person: std::collections::BTreeMap<String, Vec<(String, MatchRecord)>> = Default::default();
        for (_, record, person) in &rows {
            let records = by_person.entry(person.clone()).or_default();
            if !records.iter().any(|(r, _)| r == record) {
                records.push((record.clone(), MatchRecord::default()));
            }
        }
        HeldBlockKeys::from_table(rows, crate::linkage::candidates::into_held(by_person)).unwrap()
    }

    fn candidates(held: &HeldBlockKeys, max: usize) -> Vec<String> {
        held.candidate_persons(&[4, 3, 2, 1, 1], max)
    }

    #[tokio::test]
    async fn lookups_count_a_block_across_the_table_and_the_held_keys_and_only_held_keys_are_written() {
        let t = fresh_store(Backend::Sqlite).await;
        let mut conn = AnyConnection::connect(&t.url).await.unwrap();
        conn.execute(
            "INSERT INTO blocking_keys (block_key, source_record_id, person_id) VALUES
             (1, 'r1', 'pA'), (1, 'r2', 'pB'), (2, 'r3', 'pC'), (3, 'r4', 'pD'), (3, 'r5', 'pE'), (3, 'r6', 'pF')",
        )
        .await
        .unwrap();
        let mut held = held_from_table(&mut conn).await;
        assert_eq!((held.entries(), held.forms()), (6, 6), "the table's keys and forms");
        held.hold("h1", "pH", &[1, 2, 2], MatchRecord::default());
        held.hold("h2", "pI", &[4], MatchRecord::default());
        held.hold("h3", "pJ", &[3], MatchRecord::default());
        assert_eq!(held.entries(), 10, "a repeated key is held once");

        // Key 1: two in the table and one held; key 2: one and one; key 3: three and one; key 4: held only.
        assert_eq!(candidates(&held, 3), ["pA", "pB", "pC", "pH", "pI"]);
        assert_eq!(candidates(&held, 2), ["pC", "pH", "pI"], "key 1's block has three records");
        assert_eq!(candidates(&held, 1), ["pI"]);
        assert_eq!(candidates(&held, 4), ["pA", "pB", "pC", "pD", "pE", "pF", "pH", "pI", "pJ"]);

        held.apply_moves(&[("h1".into(), "pH".into(), "pZ".into()), ("r3".into(), "pC".into(), "pZ".into())]);
        assert_eq!(candidates(&held, 2), ["pI", "pZ"], "h1 and the table's r3 follow their moves");
        let moved: Vec<(String, usize)> = held
            .held_persons(&["pC".into(), "pH".into(), "pZ".into()])
            .iter()
            .map(|p| (p.person_id.clone(), p.records.len()))
            .collect();
        assert_eq!(moved, [("pZ".to_string(), 2)], "the forms follow the same moves");

        conn.execute("BEGIN").await.unwrap();
        held.write_into_table(&mut conn, Backend::Sqlite).await.unwrap();
        conn.execute("COMMIT").await.unwrap();
        let rows = table_rows(&mut conn).await;
        let expected: Vec<(i64, String, String)> = [
            (1, "h1", "pZ"),
            (1, "r1", "pA"),
            (1, "r2", "pB"),
            (2, "h1", "pZ"),
            (2, "r3", "pC"),
            (3, "h3", "pJ"),
            (3, "r4", "pD"),
            (3, "r5", "pE"),
            (3, "r6", "pF"),
            (4, "h2", "pI"),
        ]
        .into_iter()
        .map(|(k, r, p)| (k, r.to_string(), p.to_string()))
        .collect();
        assert_eq!(rows, expected);
        let index: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'blocking_keys_record'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(index, 1, "the record index is built again");
    }

    #[tokio::test]
    async fn a_batch_that_held_no_record_of_its_own_leaves_the_table_and_its_index_alone() {
        let t = fresh_store(Backend::Sqlite).await;
        let mut conn = AnyConnection::connect(&t.url).await.unwrap();
        conn.execute("INSERT INTO blocking_keys (block_key, source_record_id, person_id) VALUES (1, 'r1', 'pA')")
            .await
            .unwrap();
        let held = held_from_table(&mut conn).await;
        assert_eq!(held.entries(), 1);
        held.write_into_table(&mut conn, Backend::Sqlite).await.unwrap();
        assert_eq!(
            table_rows(&mut conn).await,
            [(1, "r1".to_string(), "pA".to_string())],
            "the table's keys are not written again"
        );
        let index: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'blocking_keys_record'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(index, 1);
    }

    #[test]
    fn a_table_record_with_keys_but_no_matching_form_is_refused() {
        let keys = vec![(1, "r1".to_string(), "pA".to_string()), (2, "r2".to_string(), "pB".to_string())];
        let persons = vec![HeldPerson { person_id: "pA".into(), records: vec![("r1".into(), MatchRecord::default())] }];
        let refused = HeldBlockKeys::from_table(keys, persons).err().expect("r2 has no form");
        assert!(refused.to_string().contains("r2"), "{refused}");
    }
}
