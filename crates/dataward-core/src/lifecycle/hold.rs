//! Legal holds: a named person or partner whose records no purge may remove until the hold is
//! lifted (statutory retention, litigation, a regulator's instruction).

use std::collections::HashSet;

use serde::Serialize;

use super::LifecycleError;

/// What a legal hold covers (store ids).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum HoldTarget {
    Person(String),
    Partner(String),
}

impl HoldTarget {
    pub fn kind(&self) -> &'static str {
        match self {
            HoldTarget::Person(_) => "person",
            HoldTarget::Partner(_) => "partner",
        }
    }
    pub fn id(&self) -> &str {
        match self {
            HoldTarget::Person(id) | HoldTarget::Partner(id) => id,
        }
    }
    /// Rebuilds a target from its stored kind and id.
    pub fn from_parts(kind: &str, id: &str) -> Result<HoldTarget, LifecycleError> {
        match kind {
            "person" => Ok(HoldTarget::Person(id.to_string())),
            "partner" => Ok(HoldTarget::Partner(id.to_string())),
            _ => Err(LifecycleError::BadHoldTarget { given: format!("{kind}:{id}") }),
        }
    }
}

/// The holds in force, for deciding record by record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActiveHolds {
    persons: HashSet<String>,
    partners: HashSet<String>,
}

impl ActiveHolds {
    pub fn new<'a>(targets: impl IntoIterator<Item = &'a HoldTarget>) -> ActiveHolds {
        let mut holds = ActiveHolds::default();
        for t in targets {
            match t {
                HoldTarget::Person(id) => holds.persons.insert(id.clone()),
                HoldTarget::Partner(id) => holds.partners.insert(id.clone()),
            };
        }
        holds
    }

    /// A hold on the record's person or on its partner keeps it.
    pub fn covers(&self, person_id: &str, partner_id: &str) -> bool {
        self.persons.contains(person_id) || self.partners.contains(partner_id)
    }

    /// A hold on the partner itself (what keeps its quarantined rows and its purged mark).
    pub fn covers_partner(&self, partner_id: &str) -> bool {
        self.partners.contains(partner_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hold_on_the_person_or_the_partner_covers_a_record_and_others_do_not() {
        let holds = ActiveHolds::new(&[HoldTarget::Person("p1".into()), HoldTarget::Partner("partner-a".into())]);
        assert!(holds.covers("p1", "partner-b"));
        assert!(holds.covers("p2", "partner-a"));
        assert!(!holds.covers("p2", "partner-b"));
        assert!(!ActiveHolds::default().covers("p1", "partner-a"));
        assert!(holds.covers_partner("partner-a") && !holds.covers_partner("partner-b"));
    }

    #[test]
    fn stored_targets_round_trip_and_unknown_kinds_are_refused() {
        for t in [HoldTarget::Person("x".into()), HoldTarget::Partner("y".into())] {
            assert_eq!(HoldTarget::from_parts(t.kind(), t.id()).unwrap(), t);
        }
        assert!(matches!(HoldTarget::from_parts("client", "z"), Err(LifecycleError::BadHoldTarget { .. })));
    }
}
