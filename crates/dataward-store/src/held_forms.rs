//! Matching forms of a large batch's own records, held in memory until it commits.
//!
//! Each chunk of a batch links against the persons its records may belong to, with all their
//! records in matching form. Read from the table, every one of those records costs its sealed
//! form fetched, its data key unwrapped and the form opened and parsed: at about 600,000 rows of
//! a million-row load that was a fifth of the linking thread's time, spent again for each chunk
//! on records the batch itself had just written.
//!
//! So a batch that holds its blocking keys (see `held_block_keys`) also holds matching forms:
//! when it starts it reads the forms of every record in the store (which is small, and holds
//! only the batch's first rows besides), and from then on it keeps the form of every record it
//! writes, with each record's current person. Its chunks link against persons assembled from
//! memory, in the same order as they would be read from the table, so the batch links exactly
//! as it would from the table, without a statement. Nothing outside the batch ever reads these
//! forms, and a failed batch drops them with everything else.

use std::collections::{BTreeMap, HashMap};

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
}

impl HeldForms {
    /// Starts holding forms with those of every record in the store.
    pub(crate) async fn start(conn: &mut AnyConnection, store: &Store) -> Result<HeldForms, StoreError> {
        let persons: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT person_id FROM match_records").fetch_all(&mut *conn).await?;
        let mut held = HeldForms { records: Vec::new(), slot_of: HashMap::new(), slots_of_person: HashMap::new() };
        for person in held_persons(conn, store, &persons).await? {
            for (record, form) in person.records {
                held.hold(&record, &person.person_id, form);
            }
        }
        Ok(held)
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

    /// Follows records that changed person: `(record, from, to)`.
    pub(crate) fn apply_moves(&mut self, moves: &[(String, String, String)]) {
        for (record, from, to) in moves {
            let Some(&slot) = self.slot_of.get(record) else { continue };
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
    pub(crate) fn held_persons(&self, person_ids: &[String]) -> Vec<HeldPerson> {
        let mut by_person: BTreeMap<String, Vec<(String, MatchRecord)>> = BTreeMap::new();
        for person in person_ids {
            let Some(slots) = self.slots_of_person.get(person) else { continue };
            let records = slots.iter().map(|&s| self.records[s as usize].clone()).collect();
            by_person.insert(person.clone(), records);
        }
        into_held(by_person)
    }
}

#[cfg(test)]
mod tests {
    use dataward_core::linkage::RecordParts;
    use sqlx::Connection;

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
    async fn held_persons_come_from_memory_in_the_tables_order_and_follow_moves() {
        let t = fresh_store(Backend::Sqlite).await;
        let mut conn = AnyConnection::connect(&t.url).await.unwrap();
        let mut held = HeldForms::start(&mut conn, &t.store).await.unwrap();
        assert_eq!(held.len(), 0, "an empty store");
        held.hold("r2", "pB", form("Ada"));
        held.hold("r1", "pB", form("Ben"));
        held.hold("r3", "pA", form("Cy"));
        assert_eq!(held.len(), 3);

        // Persons in id order, records in record-id order; a person not held is not there.
        let persons = held.held_persons(&["pB".into(), "pA".into(), "pX".into()]);
        assert_eq!(
            shape(&persons),
            [("pA".into(), vec!["r3".to_string()]), ("pB".into(), vec!["r1".into(), "r2".into()])]
        );
        assert!(persons[1].records[0].1 == form("Ben"), "a held record keeps its own form");

        // A record moves: it leaves its person and joins the other; a person left empty is gone.
        held.apply_moves(&[("r1".into(), "pB".into(), "pA".into())]);
        let persons = held.held_persons(&["pA".into(), "pB".into()]);
        assert_eq!(shape(&persons), [("pA".into(), vec!["r1".into(), "r3".into()]), ("pB".into(), vec!["r2".into()])]);
        held.apply_moves(&[("r2".into(), "pB".into(), "pA".into())]);
        assert_eq!(shape(&held.held_persons(&["pB".into()])), []);
        assert_eq!(held.held_persons(&["pA".into()])[0].records.len(), 3);
    }
}
