//! Matching forms of a large batch's own records, held in memory until it commits.
//!
//! Each chunk of a batch links against the persons its records may belong to, with all their
//! records in matching form. Read from the table, every one of those records costs its sealed
//! form fetched, its data key unwrapped and the form opened and parsed: at about 600,000 rows of
//! a million-row load that was a fifth of the linking thread's time, spent again for each chunk
//! on records the batch itself had just written.
//!
//! So a batch that holds its blocking keys (see `held_block_keys`) also keeps the forms of the
//! records it writes from then on, with each record's current person. A person whose records
//! are all held is assembled from memory; a person that has or may have a record the batch did
//! not hold (one stored before the batch began holding, or moved in by a merge) is read from the
//! table as before. Persons come back in the same order either way, so the batch links exactly as
//! it would from the table. Nothing outside the batch ever reads these forms, and a failed batch
//! drops them with everything else.

use std::collections::{BTreeMap, HashMap, HashSet};

use dataward_core::linkage::MatchRecord;
use sqlx::AnyConnection;

use crate::linkage::candidates::{HeldPerson, held_persons, into_held};
use crate::{Store, StoreError};

/// The forms of the records a batch holds, by person.
pub(crate) struct HeldForms {
    /// Record id and matching form by slot.
    records: Vec<(String, MatchRecord)>,
    /// Slot by record id.
    slot_of: HashMap<String, u32>,
    /// The held records of each person, by slot.
    slots_of_person: HashMap<String, Vec<u32>>,
    /// Persons that have, or may have, a record not held here: their records are read from the
    /// table.
    table_persons: HashSet<String>,
}

impl HeldForms {
    /// Starts holding forms; every person with a record in the table so far is read from the
    /// table from then on.
    pub(crate) async fn start(conn: &mut AnyConnection) -> Result<HeldForms, StoreError> {
        let persons: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT person_id FROM match_records").fetch_all(&mut *conn).await?;
        Ok(HeldForms::with_table_persons(persons))
    }

    fn with_table_persons(persons: impl IntoIterator<Item = String>) -> HeldForms {
        HeldForms {
            records: Vec::new(),
            slot_of: HashMap::new(),
            slots_of_person: HashMap::new(),
            table_persons: persons.into_iter().collect(),
        }
    }

    /// How many records' forms are held.
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Holds `record`'s form, as a record of `person`.
    pub(crate) fn hold(&mut self, record: &str, person: &str, form: MatchRecord) {
        let slot = u32::try_from(self.records.len()).expect("fewer than 4 billion records in one batch");
        self.records.push((record.to_string(), form));
        self.slot_of.insert(record.to_string(), slot);
        self.slots_of_person.entry(person.to_string()).or_default().push(slot);
    }

    /// Follows records that changed person: `(record, from, to)`. A record not held here is in
    /// the table, so the person it moves to is read from the table from then on.
    pub(crate) fn apply_moves(&mut self, moves: &[(String, String, String)]) {
        for (record, from, to) in moves {
            let Some(&slot) = self.slot_of.get(record) else {
                self.table_persons.insert(to.clone());
                continue;
            };
            if let Some(slots) = self.slots_of_person.get_mut(from) {
                slots.retain(|&s| s != slot);
                if slots.is_empty() {
                    self.slots_of_person.remove(from);
                }
            }
            self.slots_of_person.entry(to.clone()).or_default().push(slot);
        }
    }

    /// Every record of `person_ids` in matching form, by person, as
    /// [`held_persons`](crate::linkage::candidates::held_persons) reads them from the table:
    /// persons in id order, each with its records in record-id order.
    pub(crate) async fn held_persons(
        &self,
        conn: &mut AnyConnection,
        store: &Store,
        person_ids: &[String],
    ) -> Result<Vec<HeldPerson>, StoreError> {
        let (from_table, from_memory): (Vec<String>, Vec<String>) =
            person_ids.iter().cloned().partition(|p| self.table_persons.contains(p));
        let mut by_person: BTreeMap<String, Vec<(String, MatchRecord)>> = BTreeMap::new();
        for held in held_persons(conn, store, &from_table).await? {
            by_person.insert(held.person_id, held.records);
        }
        for person in from_memory {
            let Some(slots) = self.slots_of_person.get(&person) else { continue };
            let records = slots.iter().map(|&s| self.records[s as usize].clone()).collect();
            by_person.insert(person, records);
        }
        Ok(into_held(by_person))
    }
}

#[cfg(test)]
mod tests {
    use dataward_core::linkage::RecordParts;
    use sqlx::{Connection, Executor};

    use super::*;
    use crate::Backend;
    use crate::testing::fresh_store;

    fn form(first: &str) -> MatchRecord {
        MatchRecord::from_parts(&RecordParts {
            first_name: Some(first),
            surname: Some("Okafor"),
            date_of_birth: Some("1984-07-21"),
            ..RecordParts::default()
        })
    }

    fn shape(persons: &[HeldPerson]) -> Vec<(String, Vec<String>)> {
        persons.iter().map(|p| (p.person_id.clone(), p.records.iter().map(|r| r.0.clone()).collect())).collect()
    }

    #[tokio::test]
    async fn held_persons_come_from_memory_and_persons_with_table_records_from_the_table() {
        let t = fresh_store(Backend::Sqlite).await;
        let mut conn = AnyConnection::connect(&t.url).await.unwrap();
        // Nothing in the table: every person starts as held only.
        let mut held = HeldForms::start(&mut conn).await.unwrap();
        held.hold("r2", "pB", form("Ada"));
        held.hold("r1", "pB", form("Ben"));
        held.hold("r3", "pA", form("Cy"));
        assert_eq!(held.len(), 3);

        // Read without touching the table: persons in id order, records in record-id order.
        conn.execute("DROP TABLE match_records").await.unwrap();
        let persons = held.held_persons(&mut conn, &t.store, &["pB".into(), "pA".into(), "pX".into()]).await.unwrap();
        assert_eq!(
            shape(&persons),
            [("pA".into(), vec!["r3".to_string()]), ("pB".into(), vec!["r1".into(), "r2".into()])]
        );
        assert!(persons[1].records[0].1 == form("Ben"), "a held record keeps its own form");

        // A held record moves: it leaves its person and joins the other.
        held.apply_moves(&[("r1".into(), "pB".into(), "pA".into())]);
        let persons = held.held_persons(&mut conn, &t.store, &["pA".into(), "pB".into()]).await.unwrap();
        assert_eq!(shape(&persons), [("pA".into(), vec!["r1".into(), "r3".into()]), ("pB".into(), vec!["r2".into()])]);

        // A table record moves into pA: pA is read from the table from now on (which is gone,
        // so the read fails), while pB still comes from memory.
        held.apply_moves(&[("t9".into(), "pT".into(), "pA".into())]);
        assert!(held.held_persons(&mut conn, &t.store, &["pB".into()]).await.is_ok());
        assert!(held.held_persons(&mut conn, &t.store, &["pA".into()]).await.is_err(), "pA is read from the table");
    }

    #[tokio::test]
    async fn persons_with_records_in_the_table_when_holding_starts_are_read_from_the_table() {
        let t = fresh_store(Backend::Sqlite).await;
        let mut conn = AnyConnection::connect(&t.url).await.unwrap();
        conn.execute("PRAGMA foreign_keys = OFF").await.unwrap();
        conn.execute(
            "INSERT INTO match_records (source_record_id, person_id, partner_id, form) VALUES ('t1', 'pT', 'x', x'00')",
        )
        .await
        .unwrap();
        let mut held = HeldForms::start(&mut conn).await.unwrap();
        held.hold("h1", "pT", form("Ada"));
        held.hold("h2", "pN", form("Ben"));
        // pT is read from the table, whose stored form here is not a sealed one: the read fails.
        assert!(held.held_persons(&mut conn, &t.store, &["pT".into()]).await.is_err(), "pT is read from the table");
        let persons = held.held_persons(&mut conn, &t.store, &["pN".into()]).await.unwrap();
        assert_eq!(shape(&persons), [("pN".into(), vec!["h2".to_string()])]);
    }
}
