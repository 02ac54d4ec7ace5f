//! The assessment of one incident: how many persons and values, which categories, and whom to
//! tell — ids and names, never a value. Persons are listed for the DPO to decide whether the risk
//! to them is high (Art. 34); clients and partners are listed because they hold or supplied the
//! exposed data.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::clock::ReportingClock;
use super::exposure::Exposure;
use crate::taxonomy::Category;

/// One exposed value, as the store found it (no value: its person, category and parties).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExposedValue {
    pub person_id: String,
    pub category: String,
    /// The partner that supplied it.
    pub partner: String,
    /// The client that received it, when it was released.
    pub client: Option<String>,
    /// The person is still held (false when merged away or purged since the release).
    pub person_held: bool,
}

/// Affected persons per category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryCount {
    pub category: String,
    pub persons: usize,
    pub values: usize,
}

/// Whom to tell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NotificationList {
    /// Persons still held (contact details can be exported for them).
    pub persons: Vec<String>,
    /// Persons in the ledger that are no longer held: no contact details remain.
    pub persons_no_longer_held: Vec<String>,
    pub clients: Vec<String>,
    pub partners: Vec<String>,
}

/// The whole assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub exposure: Exposure,
    pub persons: usize,
    pub values: usize,
    pub categories: Vec<CategoryCount>,
    pub clock: ReportingClock,
    pub notify: NotificationList,
}

/// Whether `category` is one of `only` (or within one of them); everything when `only` is empty.
fn selected(category: &str, only: &[Category]) -> bool {
    if only.is_empty() {
        return true;
    }
    match Category::parse(category) {
        Some(c) => only.iter().any(|o| c.is_within(*o)),
        None => false,
    }
}

/// Assesses the exposed values, limited to `only` categories when given.
pub fn assess(exposure: Exposure, exposed: &[ExposedValue], only: &[Category], clock: ReportingClock) -> Assessment {
    let kept: Vec<&ExposedValue> = exposed.iter().filter(|v| selected(&v.category, only)).collect();
    let mut by_category: BTreeMap<&str, (BTreeSet<&str>, usize)> = BTreeMap::new();
    let mut held = BTreeSet::new();
    let mut gone = BTreeSet::new();
    let mut clients = BTreeSet::new();
    let mut partners = BTreeSet::new();
    for v in &kept {
        let entry = by_category.entry(v.category.as_str()).or_default();
        entry.0.insert(v.person_id.as_str());
        entry.1 += 1;
        if v.person_held {
            held.insert(v.person_id.clone())
        } else {
            gone.insert(v.person_id.clone())
        };
        if let Some(c) = &v.client {
            clients.insert(c.clone());
        }
        partners.insert(v.partner.clone());
    }
    gone.retain(|p| !held.contains(p));
    Assessment {
        exposure,
        persons: held.len() + gone.len(),
        values: kept.len(),
        categories: by_category
            .into_iter()
            .map(|(category, (persons, values))| CategoryCount {
                category: category.to_string(),
                persons: persons.len(),
                values,
            })
            .collect(),
        clock,
        notify: NotificationList {
            persons: held.into_iter().collect(),
            persons_no_longer_held: gone.into_iter().collect(),
            clients: clients.into_iter().collect(),
            partners: partners.into_iter().collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::categories;

    fn value(person: &str, category: Category, partner: &str, client: Option<&str>) -> ExposedValue {
        ExposedValue {
            person_id: person.into(),
            category: category.as_str().into(),
            partner: partner.into(),
            client: client.map(str::to_string),
            person_held: true,
        }
    }

    fn clock() -> ReportingClock {
        let t = "2026-11-20T09:00:00Z".parse().unwrap();
        ReportingClock::at(t, t, None)
    }

    fn exposure() -> Exposure {
        Exposure::ClientExtracts { client: "acme".into() }
    }

    #[test]
    fn persons_categories_and_parties_are_counted_once_each() {
        let exposed = [
            value("p1", categories::EMAIL, "comp-co", Some("acme")),
            value("p1", categories::NAME, "comp-co", Some("acme")),
            value("p2", categories::EMAIL, "offers", Some("acme")),
            value("p2", categories::EMAIL, "offers", Some("acme")),
        ];
        let a = assess(exposure(), &exposed, &[], clock());
        assert_eq!((a.persons, a.values), (2, 4));
        assert_eq!(
            a.categories,
            vec![
                CategoryCount { category: categories::EMAIL.as_str().into(), persons: 2, values: 3 },
                CategoryCount { category: categories::NAME.as_str().into(), persons: 1, values: 1 },
            ]
        );
        assert_eq!(a.notify.persons, vec!["p1", "p2"]);
        assert_eq!(a.notify.clients, vec!["acme"]);
        assert_eq!(a.notify.partners, vec!["comp-co", "offers"]);
    }

    #[test]
    fn a_category_limit_leaves_out_persons_exposed_only_in_other_categories() {
        let exposed =
            [value("p1", categories::EMAIL, "comp-co", None), value("p2", categories::DATE_OF_BIRTH, "offers", None)];
        let a = assess(exposure(), &exposed, &[categories::EMAIL], clock());
        assert_eq!(a.persons, 1);
        assert_eq!(a.notify.persons, vec!["p1"]);
        assert_eq!(a.notify.partners, vec!["comp-co"]);
        assert!(a.notify.clients.is_empty());
    }

    #[test]
    fn persons_no_longer_held_are_listed_apart_from_those_that_can_be_contacted() {
        let mut gone = value("p9", categories::EMAIL, "comp-co", Some("acme"));
        gone.person_held = false;
        let a = assess(exposure(), &[gone, value("p1", categories::EMAIL, "comp-co", Some("acme"))], &[], clock());
        assert_eq!(a.persons, 2);
        assert_eq!(a.notify.persons, vec!["p1"]);
        assert_eq!(a.notify.persons_no_longer_held, vec!["p9"]);
    }

    #[test]
    fn nothing_exposed_means_nobody_to_tell() {
        let a = assess(exposure(), &[], &[], clock());
        assert_eq!((a.persons, a.values), (0, 0));
        assert_eq!(a.notify, NotificationList::default());
    }
}
