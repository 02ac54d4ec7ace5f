//! Incremental clustering: records join persons one at a time, without re-linking the base.
//!
//! A new record is compared with the records sharing a blocking key with it. Every person with a
//! member at or above the link threshold is a *link candidate*; the best one (highest weight) is
//! joined if the record is compatible with **every** member of it. Guards against over-merging:
//!
//! - **Never join incompatible records.** Two records that disagree on date of birth (beyond a
//!   typo or a day/month swap) and share no contact detail ([`Gamma::is_incompatible`]: no
//!   email, phone or national id, and no premises unless nothing personal contradicts them)
//!   are never put in one person, however alike their names, directly or through a third
//!   record.
//! - **Split on new evidence.** When the new record links strongly to a member `a` of a person
//!   but is incompatible with other members, the person's internal links are cut between `a` and
//!   those members (keeping the strongest links, cutting the weakest); if every cut link is
//!   weaker than the new record's link to `a`, the person is split there and the record joins
//!   `a`'s part. Otherwise the new evidence is the weaker and the record does not join.
//! - **Merge with care.** When the record also links to further persons, each is merged in only
//!   if no pair of records across the two (the new record included) is incompatible or would be a
//!   non-match on its own evidence (its Bayes factor, the weight without the prior, is below 1:
//!   its fields disagree more than they agree). A pair that is merely short of shared fields does
//!   not block a merge. Otherwise the record stays with the best person only and the refusal is
//!   recorded.
//!
//! Every decision is an [`Event`] in the history (created, linked, merged, merge refused, split,
//! removed), so a person's records can be explained. Pairs in the *possible* band are listed for
//! review and never link anything.
//!
//! The clusterer is in memory and pure: records are given ids in arrival order, and the caller
//! keeps the mapping to its own ids.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::blocking::{BlockIndex, Blocker, FastMap};
use super::compare::Gamma;
use super::model::{Band, Model};
use super::query::{QueryMatch, best_match};
use super::record::MatchRecord;
use crate::profile::LinkageThresholds;

/// A record's id in a [`Clusterer`] (its arrival order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordId(pub u32);

/// A person's id in a [`Clusterer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PersonId(pub u64);

/// Why a merge was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// A pair across the two persons disagrees on date of birth and every contact detail.
    IncompatiblePair,
    /// A pair across the two persons has evidence against being one person (a Bayes factor
    /// below 1: its fields disagree more than they agree), so it would be a non-match whatever
    /// the prior.
    NonMatchPair,
}

/// One change to the clustering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// A record matched no one and started a person.
    Created { person: PersonId, record: RecordId },
    /// A record joined a person through its strongest link.
    Linked { person: PersonId, record: RecordId, via: RecordId, weight: f64 },
    /// A record linked two persons strongly and they became one (`from` is gone).
    Merged { into: PersonId, from: PersonId, by: RecordId, weight: f64 },
    /// A record linked two persons strongly but they hold records that are not the same person.
    MergeRefused { kept: PersonId, other: PersonId, by: RecordId, reason: RefusalReason },
    /// Records left `from` for a new person, because of record `by` (or a removal).
    Split { from: PersonId, into: PersonId, records: Vec<RecordId>, by: Option<RecordId> },
    /// A record was removed (e.g. its partner's refresh no longer holds it).
    Removed { person: PersonId, record: RecordId },
}

/// What happened to an added record.
#[derive(Debug, Clone, PartialEq)]
pub struct AddOutcome {
    pub record: RecordId,
    pub person: PersonId,
    /// The events this addition caused, in order.
    pub events: Vec<Event>,
    /// Persons in the possible band, for review: never linked.
    pub possible: Vec<(PersonId, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Edge {
    a: RecordId,
    b: RecordId,
    weight: f64,
}

#[derive(Debug, Clone, Default)]
struct Person {
    members: Vec<RecordId>,
    edges: Vec<Edge>,
}

#[derive(Debug, Clone)]
struct Entry {
    record: MatchRecord,
    keys: Vec<u64>,
    person: PersonId,
}

/// The best link from the new record into one person.
struct Candidate {
    person: PersonId,
    via: RecordId,
    weight: f64,
}

/// Incremental identity resolution over an in-memory set of records.
#[derive(Debug, Clone)]
pub struct Clusterer {
    model: Model,
    thresholds: LinkageThresholds,
    blocker: Blocker,
    entries: Vec<Option<Entry>>,
    index: BlockIndex,
    persons: FastMap<PersonId, Person>,
    next_person: u64,
    history: Vec<Event>,
    link_weight: f64,
}

impl Clusterer {
    pub fn new(model: Model, thresholds: LinkageThresholds, blocker: Blocker) -> Clusterer {
        Clusterer {
            link_weight: super::model::weight_of(thresholds.link),
            index: BlockIndex::new(blocker.max_block),
            model,
            thresholds,
            blocker,
            entries: Vec::new(),
            persons: FastMap::default(),
            next_person: 1,
            history: Vec::new(),
        }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    pub fn thresholds(&self) -> &LinkageThresholds {
        &self.thresholds
    }

    /// Every event so far, oldest first.
    pub fn history(&self) -> &[Event] {
        &self.history
    }

    /// The events that concern one person (as either side of a merge or split).
    pub fn history_of(&self, person: PersonId) -> Vec<&Event> {
        self.history
            .iter()
            .filter(|e| match e {
                Event::Created { person: p, .. }
                | Event::Linked { person: p, .. }
                | Event::Removed { person: p, .. } => *p == person,
                Event::Merged { into, from, .. } => *into == person || *from == person,
                Event::MergeRefused { kept, other, .. } => *kept == person || *other == person,
                Event::Split { from, into, .. } => *from == person || *into == person,
            })
            .collect()
    }

    pub fn person_of(&self, record: RecordId) -> Option<PersonId> {
        self.entry(record).map(|e| e.person)
    }

    /// A person's records in arrival order (empty for an unknown person).
    pub fn members(&self, person: PersonId) -> Vec<RecordId> {
        let mut m = self.persons.get(&person).map(|p| p.members.clone()).unwrap_or_default();
        m.sort_unstable();
        m
    }

    /// Every person with their records, in order of person id.
    pub fn persons(&self) -> Vec<(PersonId, Vec<RecordId>)> {
        let mut out: Vec<(PersonId, Vec<RecordId>)> = self.persons.keys().map(|&p| (p, self.members(p))).collect();
        out.sort_unstable_by_key(|(p, _)| *p);
        out
    }

    pub fn person_count(&self) -> usize {
        self.persons.len()
    }

    pub fn record_count(&self) -> usize {
        self.entries.iter().filter(|e| e.is_some()).count()
    }

    fn entry(&self, id: RecordId) -> Option<&Entry> {
        self.entries.get(id.0 as usize).and_then(Option::as_ref)
    }

    fn record(&self, id: RecordId) -> &MatchRecord {
        &self.entry(id).expect("live record").record
    }

    fn compare(&self, a: &MatchRecord, b: RecordId) -> (Gamma, f64) {
        let (gamma, score) = self.model.compare(a, self.record(b));
        (gamma, score.weight)
    }

    fn new_person(&mut self) -> PersonId {
        let id = PersonId(self.next_person);
        self.next_person += 1;
        id
    }

    /// Adds a person held elsewhere (a store) with its records as they are: nothing is linked
    /// and no event is recorded. Its internal links are its members' strong, compatible pairs,
    /// so a later split cuts in the right places. Returns the person and its records' ids.
    pub fn preload(&mut self, records: Vec<MatchRecord>) -> (PersonId, Vec<RecordId>) {
        let person = self.new_person();
        let mut ids = Vec::with_capacity(records.len());
        for record in records {
            let id = RecordId(self.entries.len() as u32);
            let keys = self.blocker.keys(&record);
            self.index.insert(id.0, &keys);
            self.entries.push(Some(Entry { record, keys, person }));
            ids.push(id);
        }
        let mut edges = Vec::new();
        for (i, &a) in ids.iter().enumerate() {
            for &b in &ids[i + 1..] {
                let (gamma, weight) = self.compare(self.record(a), b);
                if weight >= self.link_weight && !gamma.is_incompatible() {
                    edges.push(Edge { a, b, weight });
                }
            }
        }
        self.persons.insert(person, Person { members: ids.clone(), edges });
        (person, ids)
    }

    /// Makes room for `records` more records (a bulk load knows its size: growing the tables
    /// step by step would copy them again and again).
    pub fn reserve(&mut self, records: usize) {
        self.entries.reserve(records);
        // Most of a record's keys start a block of their own (see `Blocker::keys`).
        self.index.reserve(records * 6);
    }

    /// Adds several records in order.
    pub fn add_all(&mut self, records: impl IntoIterator<Item = MatchRecord>) -> Vec<AddOutcome> {
        records.into_iter().map(|r| self.add(r)).collect()
    }

    /// Adds one record: links it to the best compatible person above the link threshold, merges
    /// further persons it links when that is safe, or starts a new person.
    pub fn add(&mut self, record: MatchRecord) -> AddOutcome {
        let id = RecordId(self.entries.len() as u32);
        let (keys, probe) = self.blocker.index_and_probe_keys(&record);
        let mut events = Vec::new();

        // Best link per person, and the possible band for review.
        let mut best: FastMap<PersonId, Candidate> = FastMap::default();
        let mut possible: FastMap<PersonId, f64> = FastMap::default();
        for c in self.index.candidates(&probe) {
            let c = RecordId(c);
            let (gamma, weight) = self.compare(&record, c);
            let person = self.entry(c).expect("indexed record").person;
            let p = super::model::probability_of(weight);
            match Band::of(p, &self.thresholds) {
                Band::Link if !gamma.is_incompatible() => {
                    let e = best.entry(person).or_insert(Candidate { person, via: c, weight });
                    if weight > e.weight {
                        *e = Candidate { person, via: c, weight };
                    }
                }
                Band::Possible => {
                    let e = possible.entry(person).or_insert(p);
                    *e = e.max(p);
                }
                _ => {}
            }
        }
        let mut linkable: Vec<Candidate> = best.into_values().collect();
        linkable.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.person.cmp(&b.person)));

        // The target: the best person the record may join (after a split if the evidence says so).
        let mut target: Option<(Candidate, Vec<Edge>)> = None;
        let mut rest = Vec::new();
        for cand in linkable {
            if target.is_some() {
                rest.push(cand);
                continue;
            }
            if let Some(edges) = self.try_join(&record, id, &cand, &mut events) {
                target = Some((cand, edges));
            }
        }

        let person = match target {
            None => {
                let person = self.new_person();
                self.persons.insert(person, Person { members: vec![id], edges: vec![] });
                events.push(Event::Created { person, record: id });
                person
            }
            Some((cand, edges)) => {
                let person = cand.person;
                let p = self.persons.get_mut(&person).expect("target person");
                p.members.push(id);
                p.edges.extend(edges);
                events.push(Event::Linked { person, record: id, via: cand.via, weight: cand.weight });
                // Further persons the record links: merge when no pair across is a non-match.
                for other in rest {
                    if !self.persons.contains_key(&other.person) || other.person == person {
                        continue;
                    }
                    match self.merge_veto(&record, id, person, other.person) {
                        Some(reason) => {
                            events.push(Event::MergeRefused { kept: person, other: other.person, by: id, reason })
                        }
                        None => {
                            let moved = self.persons.remove(&other.person).expect("other person");
                            let bridge = self.strong_edges(&record, id, &moved.members);
                            for &r in &moved.members {
                                if let Some(Some(e)) = self.entries.get_mut(r.0 as usize) {
                                    e.person = person;
                                }
                            }
                            let p = self.persons.get_mut(&person).expect("target person");
                            p.members.extend(moved.members);
                            p.edges.extend(moved.edges);
                            p.edges.extend(bridge);
                            events.push(Event::Merged {
                                into: person,
                                from: other.person,
                                by: id,
                                weight: other.weight,
                            });
                        }
                    }
                }
                person
            }
        };

        self.index.insert(id.0, &keys);
        self.entries.push(Some(Entry { record, keys, person }));
        let mut possible: Vec<(PersonId, f64)> =
            possible.into_iter().filter(|(p, _)| *p != person && self.persons.contains_key(p)).collect();
        possible.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        self.history.extend(events.iter().cloned());
        AddOutcome { record: id, person, events, possible }
    }

    /// Edges at or above the link threshold from the new record to `members`.
    fn strong_edges(&self, record: &MatchRecord, id: RecordId, members: &[RecordId]) -> Vec<Edge> {
        members
            .iter()
            .filter_map(|&m| {
                let (gamma, weight) = self.compare(record, m);
                (weight >= self.link_weight && !gamma.is_incompatible()).then_some(Edge { a: id, b: m, weight })
            })
            .collect()
    }

    /// Whether the record may join `cand.person`, splitting it first when the record's link is
    /// stronger than the links to the members it is incompatible with. Returns the record's
    /// edges into the person when it may.
    fn try_join(
        &mut self,
        record: &MatchRecord,
        id: RecordId,
        cand: &Candidate,
        events: &mut Vec<Event>,
    ) -> Option<Vec<Edge>> {
        let members = self.persons.get(&cand.person)?.members.clone();
        let mut incompatible = Vec::new();
        let mut edges = Vec::new();
        for &m in &members {
            let (gamma, weight) = self.compare(record, m);
            if gamma.is_incompatible() {
                incompatible.push(m);
            } else if weight >= self.link_weight {
                edges.push(Edge { a: id, b: m, weight });
            }
        }
        if incompatible.is_empty() {
            return Some(edges);
        }
        // Split: keep the strongest internal links that do not connect `via` with an
        // incompatible member; the rest are cut.
        let person = self.persons.get(&cand.person)?;
        let mut internal = person.edges.clone();
        internal.sort_by(|a, b| b.weight.total_cmp(&a.weight));
        let position: HashMap<RecordId, usize> = members.iter().enumerate().map(|(i, &m)| (m, i)).collect();
        let mut sets = UnionFind::new(members.len());
        let mut cut_max = f64::NEG_INFINITY;
        let via = position[&cand.via];
        let bad: Vec<usize> = incompatible.iter().map(|m| position[m]).collect();
        for e in &internal {
            let (a, b) = (position[&e.a], position[&e.b]);
            let (ra, rb) = (sets.find(a), sets.find(b));
            if ra == rb {
                continue;
            }
            let rv = sets.find(via);
            let joins_bad = |sets: &mut UnionFind, r: usize| bad.iter().any(|&x| sets.find(x) == r);
            let crosses = (ra == rv && joins_bad(&mut sets, rb)) || (rb == rv && joins_bad(&mut sets, ra));
            if crosses {
                cut_max = cut_max.max(e.weight);
            } else {
                sets.union(a, b);
            }
        }
        if cand.weight <= cut_max {
            return None;
        }
        // Split off every part that is not `via`'s.
        let root = sets.find(via);
        let mut parts: HashMap<usize, Vec<RecordId>> = HashMap::new();
        for (i, &m) in members.iter().enumerate() {
            let r = sets.find(i);
            if r != root {
                parts.entry(r).or_default().push(m);
            }
        }
        let mut parts: Vec<Vec<RecordId>> = parts.into_values().collect();
        parts.sort();
        for part in parts {
            self.split_off(cand.person, &part, Some(id), events);
        }
        edges.retain(|e| self.entry(e.b).is_some_and(|x| x.person == cand.person));
        Some(edges)
    }

    /// Moves `records` out of `from` into a new person, with the internal edges among them.
    fn split_off(&mut self, from: PersonId, records: &[RecordId], by: Option<RecordId>, events: &mut Vec<Event>) {
        let into = self.new_person();
        let p = self.persons.get_mut(&from).expect("person being split");
        p.members.retain(|m| !records.contains(m));
        let (moved, kept): (Vec<Edge>, Vec<Edge>) =
            p.edges.iter().partition(|e| records.contains(&e.a) && records.contains(&e.b));
        p.edges = kept.into_iter().filter(|e| !records.contains(&e.a) && !records.contains(&e.b)).collect();
        self.persons.insert(into, Person { members: records.to_vec(), edges: moved });
        for r in records {
            if let Some(Some(e)) = self.entries.get_mut(r.0 as usize) {
                e.person = into;
            }
        }
        let mut sorted = records.to_vec();
        sorted.sort_unstable();
        events.push(Event::Split { from, into, records: sorted, by });
    }

    /// Why `other` may not be merged into `kept` by the new record, if it may not.
    fn merge_veto(&self, record: &MatchRecord, id: RecordId, kept: PersonId, other: PersonId) -> Option<RefusalReason> {
        let (Some(a), Some(b)) = (self.persons.get(&kept), self.persons.get(&other)) else {
            return Some(RefusalReason::NonMatchPair);
        };
        let mut veto = None;
        for &y in &b.members {
            let (gamma, _) = self.compare(record, y);
            if gamma.is_incompatible() {
                return Some(RefusalReason::IncompatiblePair);
            }
            for &x in a.members.iter().filter(|&&x| x != id) {
                let (gamma, score) = self.model.compare(self.record(x), self.record(y));
                if gamma.is_incompatible() {
                    return Some(RefusalReason::IncompatiblePair);
                }
                if score.weight < self.model.prior_weight() {
                    veto = Some(RefusalReason::NonMatchPair);
                }
            }
        }
        veto
    }

    /// Removes a record. When it was the only link holding parts of its person together, the
    /// person splits into its remaining connected parts.
    pub fn remove(&mut self, record: RecordId) -> Vec<Event> {
        let Some(entry) = self.entries.get_mut(record.0 as usize).and_then(Option::take) else {
            return Vec::new();
        };
        self.index.remove(record.0, &entry.keys);
        let person = entry.person;
        let mut events = vec![Event::Removed { person, record }];
        let p = self.persons.get_mut(&person).expect("person of a live record");
        p.members.retain(|&m| m != record);
        p.edges.retain(|e| e.a != record && e.b != record);
        if p.members.is_empty() {
            self.persons.remove(&person);
        } else {
            let members = p.members.clone();
            let position: HashMap<RecordId, usize> = members.iter().enumerate().map(|(i, &m)| (m, i)).collect();
            let mut sets = UnionFind::new(members.len());
            for e in &p.edges {
                sets.union(position[&e.a], position[&e.b]);
            }
            let first_root = sets.find(0);
            let mut parts: HashMap<usize, Vec<RecordId>> = HashMap::new();
            for (i, &m) in members.iter().enumerate() {
                let r = sets.find(i);
                if r != first_root {
                    parts.entry(r).or_default().push(m);
                }
            }
            let mut parts: Vec<Vec<RecordId>> = parts.into_values().collect();
            parts.sort();
            for part in parts {
                self.split_off(person, &part, None, &mut events);
            }
        }
        self.history.extend(events.iter().cloned());
        events
    }

    /// Answers "who is this?" for a query record, without changing anything.
    pub fn query(&self, query: &MatchRecord) -> QueryMatch {
        let keys = self.blocker.probe_keys(query);
        let candidates: Vec<(PersonId, &MatchRecord)> = self
            .index
            .candidates(&keys)
            .into_iter()
            .filter_map(|c| self.entry(RecordId(c)).map(|e| (e.person, &e.record)))
            .collect();
        // Compare with every member of the persons found, so that the guard sees them all.
        let mut persons: Vec<PersonId> = candidates.iter().map(|(p, _)| *p).collect();
        persons.sort_unstable();
        persons.dedup();
        let all = persons.iter().flat_map(|p| {
            self.persons.get(p).into_iter().flat_map(move |person| {
                person.members.iter().filter_map(move |&m| self.entry(m).map(|e| (*p, &e.record)))
            })
        });
        best_match(&self.model, &self.thresholds, query, all)
    }
}

/// Disjoint sets over `0..n`.
struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind { parent: (0..n).collect() }
    }

    fn find(&mut self, x: usize) -> usize {
        let mut root = x;
        while self.parent[root] != root {
            root = self.parent[root];
        }
        let mut x = x;
        while self.parent[x] != root {
            let next = self.parent[x];
            self.parent[x] = root;
            x = next;
        }
        root
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// The parts a set of records falls into when only strong, compatible pairs (at or above the
/// link threshold, not [`Gamma::is_incompatible`]) hold them together: after a record is removed,
/// a person whose remaining records are no longer connected is split into these parts. Each part
/// lists indexes into `records`, in order; parts are ordered by their first index.
pub fn linked_parts(model: &Model, thresholds: &LinkageThresholds, records: &[MatchRecord]) -> Vec<Vec<usize>> {
    let link_weight = super::model::weight_of(thresholds.link);
    let mut sets = UnionFind::new(records.len());
    for (i, a) in records.iter().enumerate() {
        for (j, b) in records.iter().enumerate().skip(i + 1) {
            let (gamma, score) = model.compare(a, b);
            if score.weight >= link_weight && !gamma.is_incompatible() {
                sets.union(i, j);
            }
        }
    }
    let mut parts: Vec<Vec<usize>> = Vec::new();
    let mut part_of_root: HashMap<usize, usize> = HashMap::new();
    for i in 0..records.len() {
        let root = sets.find(i);
        let k = *part_of_root.entry(root).or_insert_with(|| {
            parts.push(Vec::new());
            parts.len() - 1
        });
        parts[k].push(i);
    }
    parts
}
