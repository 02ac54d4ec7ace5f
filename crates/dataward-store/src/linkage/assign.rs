//! Mapping a working clustering back to store persons (pure).
//!
//! The working [`Clusterer`] numbers persons and records itself. After a chunk of new records
//! has been added to it, each of its persons is given a store person id: the id of the held
//! person that contributed most of its records, if no other working person claimed it first
//! (persons in order of their working id, so held persons, loaded first, keep their ids), or a
//! new id. Held records whose person changed are moves; held persons no working person claimed
//! (merged into another) are emptied.

use std::collections::{BTreeMap, HashMap};

use dataward_core::linkage::{Clusterer, PersonId, RecordId};

/// Where every record of a working clustering ends up in the store.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    /// The store person of each working person that exists at the end.
    pub persons: HashMap<PersonId, String>,
    /// The store person of each new record, by working record id.
    pub new_records: HashMap<RecordId, String>,
    /// Held records that change person: (store record id, from, to).
    pub moves: Vec<(String, String, String)>,
    /// Store person ids created for working persons with no held person to keep.
    pub created: Vec<String>,
    /// Held persons left without records (merged into another).
    pub emptied: Vec<String>,
}

/// Assigns store persons. `held` lists each working record loaded from the store with its store
/// record id and store person id; every other record of the clusterer is new.
pub fn assign(
    clusterer: &Clusterer,
    held: &HashMap<RecordId, (String, String)>,
    mut new_id: impl FnMut() -> String,
) -> Assignment {
    let mut out = Assignment::default();
    let mut claimed: HashMap<String, PersonId> = HashMap::new();
    for (person, members) in clusterer.persons() {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for m in &members {
            if let Some((_, p)) = held.get(m) {
                *counts.entry(p.as_str()).or_default() += 1;
            }
        }
        let mut options: Vec<(&str, usize)> = counts.into_iter().collect();
        options.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let store_id = match options.iter().find(|(p, _)| !claimed.contains_key(*p)) {
            Some((p, _)) => p.to_string(),
            None => {
                let id = new_id();
                out.created.push(id.clone());
                id
            }
        };
        claimed.insert(store_id.clone(), person);
        for m in &members {
            match held.get(m) {
                Some((record, from)) if *from != store_id => {
                    out.moves.push((record.clone(), from.clone(), store_id.clone()))
                }
                Some(_) => {}
                None => {
                    out.new_records.insert(*m, store_id.clone());
                }
            }
        }
        out.persons.insert(person, store_id);
    }
    let mut emptied: Vec<String> = held.values().map(|(_, p)| p.clone()).filter(|p| !claimed.contains_key(p)).collect();
    emptied.sort();
    emptied.dedup();
    out.emptied = emptied;
    out
}

#[cfg(test)]
mod tests {
    use dataward_core::linkage::{Blocker, MatchRecord, Model, ModelParams, RecordParts};
    use dataward_core::profile::LinkageThresholds;

    use super::*;

    fn record(first: &str, dob: &str, email: &str) -> MatchRecord {
        MatchRecord::from_parts(&RecordParts {
            first_name: Some(first),
            surname: Some("Whitfield"),
            date_of_birth: Some(dob),
            email: Some(email),
            address_lines: vec!["12 Oak Road"],
            postcode: Some("LS6 2AB"),
            ..RecordParts::default()
        })
    }

    fn clusterer() -> Clusterer {
        let thresholds = LinkageThresholds { link: 0.999, possible: 0.9 };
        Clusterer::new(Model::new(ModelParams::untrained(1e-4)), thresholds, Blocker::default())
    }

    fn counter() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("new-{n}")
        }
    }

    #[test]
    fn held_persons_keep_their_ids_and_new_records_join_or_get_new_persons() {
        let mut c = clusterer();
        let (_, ids) = c.preload(vec![record("Jane", "1984-07-21", "jane@example.com")]);
        let held: HashMap<_, _> = [(ids[0], ("r1".to_string(), "P1".to_string()))].into();
        let joined = c.add(record("Jane", "1984-07-21", "jane@example.com"));
        let stranger = c.add(record("Mark", "1950-01-02", "mark@example.org"));
        let a = assign(&c, &held, counter());
        assert_eq!(a.new_records[&joined.record], "P1");
        assert_eq!(a.new_records[&stranger.record], "new-1");
        assert_eq!(a.created, vec!["new-1".to_string()]);
        assert!(a.moves.is_empty() && a.emptied.is_empty());
    }

    #[test]
    fn a_merge_moves_the_smaller_held_person_and_empties_it() {
        let mut c = clusterer();
        // Two held persons that a new record bridges: same person, each half known.
        let (_, p1) = c.preload(vec![record("Jane", "1984-07-21", "jane@example.com")]);
        let (_, p2) = c.preload(vec![MatchRecord::from_parts(&RecordParts {
            first_name: Some("Jane"),
            surname: Some("Whitfield"),
            email: Some("jane@example.com"),
            phones: vec!["07700 900461"],
            ..RecordParts::default()
        })]);
        let held: HashMap<_, _> =
            [(p1[0], ("r1".to_string(), "P1".to_string())), (p2[0], ("r2".to_string(), "P2".to_string()))].into();
        let bridge = c.add(MatchRecord::from_parts(&RecordParts {
            first_name: Some("Jane"),
            surname: Some("Whitfield"),
            date_of_birth: Some("1984-07-21"),
            email: Some("jane@example.com"),
            phones: vec!["07700 900461"],
            address_lines: vec!["12 Oak Road"],
            postcode: Some("LS6 2AB"),
            ..RecordParts::default()
        }));
        assert_eq!(c.person_count(), 1, "the bridge merged the two persons");
        let a = assign(&c, &held, counter());
        assert_eq!(a.new_records[&bridge.record], "P1");
        assert_eq!(a.moves, vec![("r2".to_string(), "P2".to_string(), "P1".to_string())]);
        assert_eq!(a.emptied, vec!["P2".to_string()]);
        assert!(a.created.is_empty());
    }

    #[test]
    fn a_split_keeps_the_id_for_one_part_and_gives_the_other_a_new_person() {
        let mut c = clusterer();
        let jane = record("Jane", "1984-07-21", "jane@example.com");
        let other = MatchRecord::from_parts(&RecordParts {
            first_name: Some("Jane"),
            surname: Some("Whitfield"),
            address_lines: vec!["9 Elm Close"],
            postcode: Some("WF1 1AA"),
            ..RecordParts::default()
        });
        let (_, ids) = c.preload(vec![jane.clone(), other, jane]);
        let held: HashMap<_, _> =
            ids.iter().enumerate().map(|(i, id)| (*id, (format!("r{i}"), "P1".to_string()))).collect();
        c.remove(ids[2]);
        let mut held = held;
        held.remove(&ids[2]);
        let a = assign(&c, &held, counter());
        assert_eq!(c.person_count(), 2);
        assert_eq!(a.created, vec!["new-1".to_string()]);
        assert_eq!(a.moves.len(), 1);
        assert_eq!(a.moves[0].1, "P1");
        assert_eq!(a.moves[0].2, "new-1");
        assert!(a.emptied.is_empty());
    }
}
