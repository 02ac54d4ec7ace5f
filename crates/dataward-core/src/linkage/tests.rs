//! Scenario tests of the engine as a whole: incremental linking, the over-merge guards, merges,
//! splits, movers and queries, on an untrained model with the default level probabilities.

use super::*;
use crate::profile::LinkageThresholds;

const THRESHOLDS: LinkageThresholds = LinkageThresholds { link: 0.999, possible: 0.9 };

fn clusterer() -> Clusterer {
    Clusterer::new(Model::new(ModelParams::untrained(1e-4)), THRESHOLDS, Blocker::default())
}

#[derive(Default, Clone)]
struct P {
    first: &'static str,
    surname: &'static str,
    dob: &'static str,
    email: &'static str,
    phones: Vec<&'static str>,
    line: &'static str,
    town: &'static str,
    postcode: &'static str,
}

impl P {
    fn record(&self) -> MatchRecord {
        let opt = |s: &'static str| (!s.is_empty()).then_some(s);
        MatchRecord::from_parts(&RecordParts {
            first_name: opt(self.first),
            surname: opt(self.surname),
            date_of_birth: opt(self.dob),
            email: opt(self.email),
            phones: self.phones.clone(),
            address_lines: opt(self.line).into_iter().collect(),
            town: opt(self.town),
            postcode: opt(self.postcode),
            ..RecordParts::default()
        })
    }
}

fn jane() -> P {
    P {
        first: "Jane",
        surname: "Whitfield",
        dob: "1984-07-21",
        email: "jane.whitfield@example.com",
        phones: vec!["07700 900461"],
        line: "12 Oak Road",
        town: "Leeds",
        postcode: "LS6 2AB",
    }
}

#[test]
fn records_of_one_person_link_incrementally_and_strangers_start_new_persons() {
    let mut c = clusterer();
    let first = c.add(jane().record());
    assert!(matches!(first.events[..], [Event::Created { .. }]));
    let typo = c.add(P { first: "Jnae", email: "", ..jane() }.record());
    assert_eq!(typo.person, first.person);
    assert!(matches!(typo.events[..], [Event::Linked { via, .. }] if via == first.record));
    let nickname = c.add(P { first: "Janey", phones: vec![], line: "12 Oak Rd", ..jane() }.record());
    assert_eq!(nickname.person, first.person);
    let stranger = c.add(
        P {
            first: "Omar",
            surname: "Haddad",
            dob: "1990-01-02",
            email: "omar@example.org",
            phones: vec!["07700 900999"],
            line: "3 Mill Lane",
            town: "York",
            postcode: "YO1 7HH",
        }
        .record(),
    );
    assert_ne!(stranger.person, first.person);
    assert_eq!(c.person_count(), 2);
    assert_eq!(c.members(first.person), vec![RecordId(0), RecordId(1), RecordId(2)]);
}

#[test]
fn a_mover_who_changed_address_town_and_postcode_still_links_by_name_birth_date_and_contacts() {
    let mut c = clusterer();
    let before = c.add(jane().record());
    let moved = P { line: "7 Harbour View", town: "Bristol", postcode: "BS1 4DJ", ..jane() };
    let (gamma, score) = c.model().compare(&jane().record(), &moved.record());
    assert_eq!(gamma.level(MatchField::Location), compare::levels::location::DIFFERENT);
    let after = c.add(moved.record());
    assert_eq!(after.person, before.person, "mover scored {score:?}");
    // The move counts once: the weight lost is exactly the location field's swing.
    let (_, same) = c.model().compare(&jane().record(), &jane().record());
    let p = c.model().params();
    let swing = p.level_weight(MatchField::Location, compare::levels::location::SAME_ADDRESS)
        - p.level_weight(MatchField::Location, compare::levels::location::DIFFERENT);
    assert!((same.weight - score.weight - swing).abs() < 1e-9);
}

#[test]
fn a_mover_with_only_name_and_birth_date_in_common_links_too() {
    let mut c = clusterer();
    let before = c.add(P { email: "", phones: vec![], ..jane() }.record());
    let after = c.add(
        P { email: "", phones: vec![], line: "7 Harbour View", town: "Bristol", postcode: "BS1 4DJ", ..jane() }
            .record(),
    );
    assert_eq!(after.person, before.person);
}

fn father() -> P {
    P {
        first: "John",
        surname: "Smith",
        dob: "1950-03-14",
        email: "john.smith.1950@example.com",
        phones: vec!["07700 900100"],
        line: "12 Oak Road",
        town: "Leeds",
        postcode: "LS6 2AB",
    }
}

fn son() -> P {
    P { dob: "1979-11-02", email: "johnny.smith@example.net", phones: vec!["07700 900200"], ..father() }
}

#[test]
fn same_name_same_address_different_birth_date_and_contacts_never_join() {
    let mut c = clusterer();
    let a = c.add(father().record());
    let b = c.add(son().record());
    assert_ne!(a.person, b.person);
    assert!(matches!(b.events[..], [Event::Created { .. }]));
    // One personal detail that differs is enough: the son's own email, no phone.
    let own_email = c.add(P { phones: vec![], ..son() }.record());
    assert_eq!(own_email.person, b.person);
    let stranger = c.add(P { phones: vec![], email: "js.1992@example.org", dob: "1992-05-30", ..father() }.record());
    assert_ne!(stranger.person, a.person);
    assert_ne!(stranger.person, b.person);
}

#[test]
fn a_shared_address_counts_as_a_shared_contact_only_while_nothing_personal_differs() {
    let model = Model::new(ModelParams::untrained(1e-4));
    let strip = |p: P| P { email: "", phones: vec![], ..p }.record();
    // Nothing personal on either side: one name at one address with another date of birth is
    // taken for one person whose date a partner mistyped or invented.
    let (gamma, score) = model.compare(&strip(father()), &strip(son()));
    assert_eq!(gamma.level(MatchField::DateOfBirth), compare::levels::dob::DIFFERENT);
    assert!(!gamma.is_incompatible());
    assert_eq!(Band::of(score.probability, &THRESHOLDS), Band::Link);
    // The same pair where either side's email or personal number differs is kept apart.
    let (gamma, _) = model.compare(&P { phones: vec![], ..father() }.record(), &P { phones: vec![], ..son() }.record());
    assert!(gamma.is_incompatible(), "emails differ");
    let (gamma, _) = model.compare(&P { email: "", ..father() }.record(), &P { email: "", ..son() }.record());
    assert!(gamma.is_incompatible(), "mobiles differ");
    // Not at the same premises: the guard holds whatever the names.
    let elsewhere = P { line: "3 Elm Close", postcode: "LS6 4QT", ..son() };
    let (gamma, _) = model.compare(&strip(father()), &strip(elsewhere));
    assert!(gamma.is_incompatible());
    // Generational suffixes that differ keep a father and son of one name apart.
    let senior = P { surname: "Smith Sr", ..father() };
    let junior = P { surname: "Smith Jr", ..son() };
    let mut c = clusterer();
    let a = c.add(strip(senior));
    let b = c.add(strip(junior));
    assert_ne!(a.person, b.person);
}

#[test]
fn a_record_linking_two_persons_merges_them_when_nothing_across_disagrees() {
    let mut c = clusterer();
    // Two partial records of one person that share too little to link on their own.
    let a = c.add(P { phones: vec![], ..jane() }.record());
    let b =
        c.add(P { dob: "", email: "", line: "9 Elm Close", town: "Wakefield", postcode: "WF1 1AA", ..jane() }.record());
    assert_ne!(a.person, b.person);
    // A third record carries both the email of the first and the phone of the second.
    let bridge = c.add(jane().record());
    assert_eq!(bridge.person, a.person);
    assert!(
        bridge
            .events
            .iter()
            .any(|e| matches!(e, Event::Merged { into, from, .. } if *into == a.person && *from == b.person))
    );
    assert_eq!(c.person_count(), 1);
    assert_eq!(c.person_of(b.record), Some(a.person));
    assert!(c.history_of(b.person).iter().any(|e| matches!(e, Event::Merged { .. })));
}

#[test]
fn a_record_linking_two_persons_that_hold_incompatible_records_joins_only_the_best() {
    let mut c = clusterer();
    let sr = c.add(father().record());
    let jr = c.add(son().record());
    // Name and address only, plus the father's email: links both strongly.
    let ambiguous = c.add(P { dob: "", phones: vec![], ..father() }.record());
    assert_eq!(ambiguous.person, sr.person);
    assert!(ambiguous.events.iter().any(|e| matches!(
        e,
        Event::MergeRefused { kept, other, reason: RefusalReason::IncompatiblePair, .. }
            if *kept == sr.person && *other == jr.person
    )));
    assert_eq!(c.person_count(), 2);
}

#[test]
fn a_person_is_split_when_a_new_record_shows_two_members_are_different_people() {
    let mut c = clusterer();
    // Father and son share the home landline, so their records link through it.
    let landline = "0113 496 0000";
    let dad = c.add(P { phones: vec![landline], ..father() }.record());
    let boy = c.add(P { phones: vec![landline], ..son() }.record());
    assert_eq!(boy.person, dad.person, "the shared landline links them at first");
    // The father's own record (his email, his mobile) shows the son is someone else.
    let own = c.add(father().record());
    assert_eq!(own.person, dad.person);
    let split = own.events.iter().find_map(|e| match e {
        Event::Split { from, into, records, by } => Some((*from, *into, records.clone(), *by)),
        _ => None,
    });
    let (from, into, records, by) = split.expect("a split event");
    assert_eq!((from, records, by), (dad.person, vec![boy.record], Some(own.record)));
    assert_eq!(c.person_of(boy.record), Some(into));
    assert_eq!(c.members(dad.person), vec![dad.record, own.record]);
}

#[test]
fn weaker_new_evidence_does_not_split_a_person() {
    let mut c = clusterer();
    // A household sharing the home landline and one email address: linked strongly.
    let landline = "0113 496 0000";
    let family = "the.smiths@example.com";
    let dad = c.add(P { phones: vec![landline], email: family, ..father() }.record());
    let boy = c.add(P { phones: vec![landline], email: family, ..son() }.record());
    assert_eq!(boy.person, dad.person);
    // A sparse record agreeing with the father only on name, birth date and address, with an
    // email of his own: it links him, but it is weaker evidence than the link it would have to
    // cut.
    let sparse = c.add(P { phones: vec![], ..father() }.record());
    assert_ne!(sparse.person, dad.person);
    assert!(!sparse.events.iter().any(|e| matches!(e, Event::Split { .. })));
    assert_eq!(c.members(dad.person).len(), 2);
}

#[test]
fn removing_the_record_that_bridged_two_parts_splits_the_person() {
    let mut c = clusterer();
    let a = c.add(P { phones: vec![], ..jane() }.record());
    let b =
        c.add(P { dob: "", email: "", line: "9 Elm Close", town: "Wakefield", postcode: "WF1 1AA", ..jane() }.record());
    let bridge = c.add(jane().record());
    assert_eq!(c.person_count(), 1);
    let events = c.remove(bridge.record);
    assert!(matches!(events[0], Event::Removed { .. }));
    assert!(events.iter().any(|e| matches!(e, Event::Split { records, by: None, .. } if records == &vec![b.record])));
    assert_eq!(c.person_count(), 2);
    assert_eq!(c.person_of(a.record), Some(a.person));
    assert_eq!(c.person_of(bridge.record), None);
}

#[test]
fn possible_matches_are_listed_for_review_and_not_linked() {
    let mut c = clusterer();
    let a = c.add(P { email: "", phones: vec![], ..jane() }.record());
    // Same name and postcode only: some evidence, not enough to link.
    let maybe = c.add(P { dob: "", email: "", phones: vec![], line: "", town: "", ..jane() }.record());
    let model = c.model();
    let (_, score) = model.compare(
        &P { email: "", phones: vec![], ..jane() }.record(),
        &P { dob: "", email: "", phones: vec![], line: "", town: "", ..jane() }.record(),
    );
    let band = Band::of(score.probability, &THRESHOLDS);
    assert_ne!(band, Band::Link, "{score:?}");
    assert_ne!(maybe.person, a.person);
    if band == Band::Possible {
        assert_eq!(maybe.possible.first().map(|p| p.0), Some(a.person));
    }
}

#[test]
fn a_query_returns_the_best_person_band_and_evidence_without_values() {
    let mut c = clusterer();
    let j = c.add(jane().record());
    c.add(father().record());
    let q = c.query(&P { first: "Janey", email: "", phones: vec![], ..jane() }.record());
    assert_eq!(q.person, Some(j.person));
    assert_eq!(q.band, Band::Link);
    let by_field: std::collections::HashMap<MatchField, (Outcome, &str)> =
        q.fields.iter().map(|f| (f.field, (f.outcome, f.level))).collect();
    assert_eq!(by_field[&MatchField::FirstName], (Outcome::Agree, "nickname"));
    assert_eq!(by_field[&MatchField::DateOfBirth], (Outcome::Agree, "exact"));
    assert_eq!(by_field[&MatchField::Email].0, Outcome::Missing);
    let text = serde_json::to_string(&q).unwrap().to_lowercase();
    for value in ["jane", "whitfield", "oak", "ls6", "1984", "example.com"] {
        assert!(!text.contains(value), "{value} leaked into {text}");
    }
}

#[test]
fn a_query_matching_nobody_is_a_non_match() {
    let mut c = clusterer();
    c.add(jane().record());
    let q = c.query(&P { first: "Zed", surname: "Quill", dob: "1933-01-01", ..P::default() }.record());
    assert_eq!(q.band, Band::NonMatch);
}

#[test]
fn a_query_linking_two_persons_is_ambiguous_and_only_possible() {
    let mut c = clusterer();
    let strip = |p: P| P { phones: vec![], email: "", ..p };
    // Twins: same surname, birth date and address, no contacts, names that differ.
    let a = c.add(strip(P { first: "Jane", ..jane() }).record());
    let b = c.add(strip(P { first: "Jean", ..jane() }).record());
    if a.person != b.person {
        let q = c.query(&strip(P { first: "J", ..jane() }).record());
        assert!(q.band != Band::Link);
    }
    // A query with contacts of a person incompatible with another member is never a link.
    let mut c = clusterer();
    let landline = "0113 496 0000";
    c.add(P { phones: vec![landline], ..father() }.record());
    c.add(P { phones: vec![landline], ..son() }.record());
    let q = c.query(&P { phones: vec![], dob: "1950-03-14", ..father() }.record());
    assert!(q.conflicting_record);
    assert_ne!(q.band, Band::Link);
}

#[test]
fn a_query_with_another_date_of_birth_is_never_answered_by_the_shared_address_alone() {
    let strip = |p: P| P { email: "", phones: vec![], ..p }.record();
    // Only the father is held, with no contact details; a tracing client asks for his son.
    let mut c = clusterer();
    let held = c.add(strip(father()));
    let q = c.query(&strip(son()));
    assert_eq!(q.person, Some(held.person));
    assert!(q.conflicting_record);
    assert_ne!(q.band, Band::Link, "a name and an address are not enough against another date of birth");
    // The same held records answer a query with the father's own date.
    let q = c.query(&strip(father()));
    assert_eq!((q.band, q.conflicting_record), (Band::Link, false));
    // Once a record with another date has joined him through the premises (a partner's wrong
    // date, as two stored records may), a query with nothing else in common is only possible.
    let joined = c.add(strip(son()));
    assert_eq!(joined.person, held.person);
    let q = c.query(&strip(father()));
    assert_eq!((q.band, q.conflicting_record), (Band::Possible, true));
}

#[test]
fn the_history_explains_how_a_person_came_together() {
    let mut c = clusterer();
    let a = c.add(jane().record());
    c.add(P { first: "Jnae", ..jane() }.record());
    let events = c.history_of(a.person);
    assert!(matches!(events[0], Event::Created { .. }));
    assert!(matches!(events[1], Event::Linked { .. }));
    let json = serde_json::to_string(&c.history()).unwrap();
    assert!(json.contains("\"event\":\"linked\""));
}

#[test]
fn a_preloaded_person_takes_new_records_as_if_it_had_been_built_here() {
    let mut c = clusterer();
    let (held, ids) = c.preload(vec![jane().record(), P { phones: vec![], ..jane() }.record()]);
    assert_eq!(c.members(held), ids);
    assert!(c.history().is_empty(), "preloading records no event");
    let typo = c.add(P { first: "Jnae", email: "", ..jane() }.record());
    assert_eq!(typo.person, held);
    let stranger = c.add(son().record());
    assert_ne!(stranger.person, held);
}

#[test]
fn removing_the_bridge_of_a_preloaded_person_splits_it_along_the_recomputed_links() {
    let mut c = clusterer();
    let a = P { phones: vec![], ..jane() };
    let b = P { dob: "", email: "", line: "9 Elm Close", town: "Wakefield", postcode: "WF1 1AA", ..jane() };
    let (held, ids) = c.preload(vec![a.record(), b.record(), jane().record()]);
    assert_eq!(c.members(held).len(), 3);
    let events = c.remove(ids[2]);
    assert!(events.iter().any(|e| matches!(e, Event::Split { records, .. } if records == &vec![ids[1]])));
    assert_eq!(c.person_count(), 2);
}

#[test]
fn linked_parts_group_records_by_strong_compatible_pairs_only() {
    let model = Model::new(ModelParams::untrained(1e-4));
    let records = vec![
        jane().record(),
        father().record(),
        P { first: "Jnae", email: "", ..jane() }.record(),
        son().record(),
        P { phones: vec![], ..jane() }.record(),
    ];
    let parts = linked_parts(&model, &THRESHOLDS, &records);
    assert_eq!(parts, vec![vec![0, 2, 4], vec![1], vec![3]]);
    assert!(linked_parts(&model, &THRESHOLDS, &[]).is_empty());
}
