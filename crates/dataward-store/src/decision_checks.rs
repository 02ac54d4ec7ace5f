//! The checks behind one recorded decision, as `explain` shows them.
//!
//! A decision made now carries one outcome per [`Check::ALL`] entry, kept as one letter each
//! (`p` passed, `f` failed, `n` not applicable) with the companion's category: the form the
//! request is stored in (`decisions_codec`). Building the shown form (`{"checks": [{"check",
//! "outcome"}, ...], "alongside": ...}`) as a JSON tree on every request, only to compact it
//! again for storage, was 9 % of the benchmark process's CPU on SQLite; it is now built only
//! when a decision is shown. Checks in any other shape (an older store's, or not one per check
//! in order) are kept exactly as given.

use dataward_core::policy::{Check, DecisionTrace, Outcome};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Value, json};

/// Each check of a decision and its outcome, in precedence order.
#[derive(Debug, Clone, PartialEq)]
pub enum DecisionChecks {
    /// One letter per [`Check::ALL`] entry, and the category a companion was released under.
    Letters { letters: String, alongside: Option<String> },
    /// Any other shape, as given.
    AsGiven(Value),
}

/// The stored letter of each outcome: the one mapping every conversion here reads (a match, so
/// that a new outcome cannot compile without a letter).
fn letter(outcome: Outcome) -> char {
    match outcome {
        Outcome::Passed => 'p',
        Outcome::Failed => 'f',
        Outcome::NotApplicable => 'n',
    }
}

/// Every outcome, for reading letters and names back through [`letter`].
const OUTCOMES: [Outcome; 3] = [Outcome::Passed, Outcome::Failed, Outcome::NotApplicable];

fn outcome_name(l: char) -> Option<&'static str> {
    OUTCOMES.into_iter().find(|o| letter(*o) == l).map(Outcome::as_str)
}

fn letter_of_name(name: &str) -> Option<char> {
    OUTCOMES.into_iter().find(|o| o.as_str() == name).map(letter)
}

impl DecisionChecks {
    /// The checks of a decision just made.
    pub fn of(trace: &DecisionTrace) -> DecisionChecks {
        DecisionChecks::Letters {
            letters: trace.checks().map(|(_, outcome)| letter(outcome)).collect(),
            alongside: trace.alongside().map(|c| c.as_str().to_string()),
        }
    }

    /// Letters as stored, if they are one valid letter per check.
    pub(crate) fn from_letters(letters: &str, alongside: Option<String>) -> Option<DecisionChecks> {
        let valid = letters.chars().count() == Check::ALL.len() && letters.chars().all(|l| outcome_name(l).is_some());
        valid.then(|| DecisionChecks::Letters { letters: letters.to_string(), alongside })
    }

    /// The shown form: `{"checks": [{"check", "outcome"}, ...], "alongside": ...}`.
    pub fn to_json(&self) -> Value {
        match self {
            DecisionChecks::AsGiven(given) => given.clone(),
            DecisionChecks::Letters { letters, alongside } => {
                let checks: Vec<Value> = letters
                    .chars()
                    .zip(Check::ALL)
                    .map(|(l, check)| json!({ "check": check.as_str(), "outcome": outcome_name(l) }))
                    .collect();
                json!({ "checks": checks, "alongside": alongside })
            }
        }
    }

    /// The shown form read back: letters when it lists every check in order, else as given.
    pub fn from_json(shown: Value) -> DecisionChecks {
        let letters = shown.get("checks").and_then(Value::as_array).and_then(|list| {
            (list.len() == Check::ALL.len()).then_some(())?;
            list.iter()
                .zip(Check::ALL)
                .map(|(entry, check)| {
                    (entry.get("check")?.as_str()? == check.as_str()).then_some(())?;
                    letter_of_name(entry.get("outcome")?.as_str()?)
                })
                .collect::<Option<String>>()
        });
        let alongside = match shown.get("alongside") {
            None | Some(Value::Null) => Some(None),
            Some(Value::String(c)) => Some(Some(c.clone())),
            Some(_) => None,
        };
        match (letters, alongside, shown.as_object().map(|o| o.len())) {
            (Some(letters), Some(alongside), Some(2)) => DecisionChecks::Letters { letters, alongside },
            _ => DecisionChecks::AsGiven(shown),
        }
    }

    /// The names of the checks that failed, in precedence order.
    pub fn failed(&self) -> Vec<String> {
        self.to_json()["checks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["outcome"] == Outcome::Failed.as_str())
            .filter_map(|c| c["check"].as_str().map(str::to_string))
            .collect()
    }
}

impl Serialize for DecisionChecks {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

impl<'de> Deserialize<'de> for DecisionChecks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(DecisionChecks::from_json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(outcomes: &[&str], alongside: Value) -> Value {
        let list: Vec<Value> = Check::ALL
            .iter()
            .zip(outcomes.iter().cycle())
            .map(|(c, o)| json!({ "check": c.as_str(), "outcome": o }))
            .collect();
        json!({ "checks": list, "alongside": alongside })
    }

    #[test]
    fn every_check_in_order_becomes_letters_and_shows_as_before() {
        let given = shown(&["passed", "not_applicable", "failed"], json!("user.contact.address"));
        let checks = DecisionChecks::from_json(given.clone());
        assert!(matches!(&checks, DecisionChecks::Letters { letters, .. } if letters.starts_with("pnfpnf")));
        assert_eq!(checks.to_json(), given);
        assert_eq!(serde_json::to_value(&checks).unwrap(), given);
        let failed = checks.failed();
        assert_eq!(failed.len(), Check::ALL.len() / 3);
        assert_eq!(failed[0], Check::ALL[2].as_str());
    }

    #[test]
    fn any_other_shape_is_kept_as_given() {
        let mut swapped = shown(&["passed"], Value::Null);
        swapped["checks"].as_array_mut().unwrap().swap(0, 1);
        for given in [swapped, json!({ "something": "else" }), Value::Null, json!({"checks": [], "extra": 1})] {
            let checks = DecisionChecks::from_json(given.clone());
            assert_eq!(checks, DecisionChecks::AsGiven(given.clone()));
            assert_eq!(checks.to_json(), given);
        }
    }

    #[test]
    fn stored_letters_must_be_one_known_letter_per_check() {
        let all_passed = "p".repeat(Check::ALL.len());
        assert!(DecisionChecks::from_letters(&all_passed, None).is_some());
        assert!(DecisionChecks::from_letters(&all_passed[1..], None).is_none());
        assert!(DecisionChecks::from_letters(&format!("z{}", &all_passed[1..]), None).is_none());
    }
}
