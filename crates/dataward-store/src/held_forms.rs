//! Matching forms of a large batch's own records, held in memory until it commits.
//!
//! Each chunk of a batch links against the persons its records may belong to, with all their
//! records in matching form. Read from the table, every one of those records costs its sealed
//! form fetched, its data key unwrapped and the form opened and parsed: at about 600,000 rows of
//! a million-row load that was a fifth of the linking thread's time, spent again for each chunk
//! on records the batch itself had just written.
//!
//! So a batch that holds its blocking keys (see `held_block_keys`) also holds each held
//! record's matching form, by the same slot, with the held records of each person: the store's
//! records read in when holding starts, then every record the batch writes. Its chunks link
//! against persons assembled from memory, in the same order as they would be read from the
//! table, so the batch links exactly as it would from the table, without a statement. Nothing
//! outside the batch ever reads these forms, and a failed batch drops them with everything else.

use std::collections::{BTreeMap, HashMap};

use dataward_core::linkage::MatchRecord;

use crate::linkage::candidates::{HeldPerson, into_held};

/// The matching forms of held records by slot (the slots of [`HeldBlockKeys`]), and each
/// person's slots.
///
/// [`HeldBlockKeys`]: crate::held_block_keys::HeldBlockKeys
#[derive(Default)]
pub(crate) struct HeldForms {
    forms: Vec<MatchRecord>,
    slots_of_person: HashMap<String, Vec<u32>>,
}

impl HeldForms {
    /// How many records' forms are held.
    pub(crate) fn len(&self) -> usize {
        self.forms.len()
    }

    /// Holds the form of the record in the next slot, `slot`, as a record of `person`.
    pub(crate) fn hold(&mut self, slot: u32, person: &str, form: MatchRecord) {
        debug_assert_eq!(slot as usize, self.forms.len(), "forms are held slot after slot");
        self.forms.push(form);
        self.slots_of_person.entry(person.to_string()).or_default().push(slot);
    }

    /// Follows the record in `slot` from person `from` to person `to`.
    pub(crate) fn move_slot(&mut self, slot: u32, from: &str, to: &str) {
        if let Some(slots) = self.slots_of_person.get_mut(from) {
            slots.retain(|&s| s != slot);
            if slots.is_empty() {
                self.slots_of_person.remove(from);
            }
        }
        self.slots_of_person.entry(to.to_string()).or_default().push(slot);
    }

    /// Every record of `person_ids` in matching form, by person, as
    /// [`held_persons`](crate::linkage::candidates::held_persons) reads them from the table:
    /// persons in id order, each with its records in record-id order. `records` names each
    /// slot's record.
    pub(crate) fn held_persons(&self, person_ids: &[String], records: &[String]) -> Vec<HeldPerson> {
        let mut by_person: BTreeMap<String, Vec<(String, MatchRecord)>> = BTreeMap::new();
        for person in person_ids {
            let Some(slots) = self.slots_of_person.get(person) else { continue };
            let held = slots.iter().map(|&s| (records[s as usize].clone(), self.forms[s as usize].clone())).collect();
            by_person.insert(person.clone(), held);
        }
        into_held(by_person)
    }
}

#[cfg(test)]
mod tests {
    use dataward_core::linkage::RecordParts;

    use super::*;

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

    #[test]
    fn held_persons_come_from_memory_in_the_tables_order_and_follow_moves() {
        let records: Vec<String> = ["r2", "r1", "r3"].map(String::from).to_vec();
        let mut held = HeldForms::default();
        held.hold(0, "pB", form("Ada"));
        held.hold(1, "pB", form("Ben"));
        held.hold(2, "pA", form("Cy"));
        assert_eq!(held.len(), 3);

        // Persons in id order, records in record-id order; a person not held is not there.
        let persons = held.held_persons(&["pB".into(), "pA".into(), "pX".into()], &records);
        assert_eq!(
            shape(&persons),
            [("pA".into(), vec!["r3".to_string()]), ("pB".into(), vec!["r1".into(), "r2".into()])]
        );
        assert!(persons[1].records[0].1 == form("Ben"), "a held record keeps its own form");

        // A record moves: it leaves its person and joins the other; a person left empty is gone.
        held.move_slot(1, "pB", "pA");
        let persons = held.held_persons(&["pA".into(), "pB".into()], &records);
        assert_eq!(shape(&persons), [("pA".into(), vec!["r1".into(), "r3".into()]), ("pB".into(), vec!["r2".into()])]);
        held.move_slot(0, "pB", "pA");
        assert_eq!(shape(&held.held_persons(&["pB".into()], &records)), []);
        assert_eq!(held.held_persons(&["pA".into()], &records)[0].records.len(), 3);
    }
}
