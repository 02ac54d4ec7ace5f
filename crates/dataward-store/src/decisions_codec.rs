//! The stored form of a client request's decisions (`client_requests.decisions`).
//!
//! `explain` needs every value's decision with every check's outcome, but written out as JSON
//! objects that is about 1 KB a value (26 KB for a typical trace), written on every request.
//! Stored instead: `{"v": 2, "d": [row, ...]}`, each row an array of the decision's fields in
//! [`DecisionRecord`] order with the checks as one letter per [`Check::ALL`] entry (`p` passed,
//! `f` failed, `n` not applicable) followed by the companion's category. Reading expands a row
//! back to exactly what was given. Checks in any other shape (not one entry per check, in
//! order) are kept as they are; a plain JSON array (the form before this one) is read as is.
//! A change to [`Check::ALL`] needs a new version number here.

use dataward_core::policy::Check;
use serde_json::{Value, json};

use crate::StoreError;
use crate::release::DecisionRecord;

const VERSION: u64 = 2;

/// The stored text of `decisions`.
pub(crate) fn to_stored(decisions: &[DecisionRecord]) -> Result<String, StoreError> {
    let rows: Vec<Value> = decisions
        .iter()
        .map(|d| {
            json!([
                d.field,
                d.category,
                d.source_record_id,
                d.partner,
                d.decision,
                d.basis,
                d.reason,
                compact(&d.checks)
            ])
        })
        .collect();
    serde_json::to_string(&json!({ "v": VERSION, "d": rows })).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The decisions from their stored text (either form).
pub(crate) fn from_stored(text: &str) -> Result<Vec<DecisionRecord>, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("stored decisions: {what}"));
    let value: Value = serde_json::from_str(text).map_err(|e| corrupt(&e.to_string()))?;
    if value.is_array() {
        return serde_json::from_value(value).map_err(|e| corrupt(&e.to_string()));
    }
    if value.get("v").and_then(Value::as_u64) != Some(VERSION) {
        return Err(corrupt("unknown version"));
    }
    let rows = value.get("d").and_then(Value::as_array).ok_or_else(|| corrupt("no rows"))?;
    rows.iter()
        .map(|row| {
            let cells = row.as_array().filter(|c| c.len() == 8).ok_or_else(|| corrupt("a row is not 8 cells"))?;
            let text = |i: usize| cells[i].as_str().map(str::to_string).ok_or_else(|| corrupt("a cell is not text"));
            let optional = |i: usize| cells[i].as_str().map(str::to_string);
            Ok(DecisionRecord {
                field: text(0)?,
                category: text(1)?,
                source_record_id: text(2)?,
                partner: text(3)?,
                decision: text(4)?,
                basis: optional(5),
                reason: optional(6),
                checks: expand(&cells[7]).ok_or_else(|| corrupt("bad checks"))?,
            })
        })
        .collect()
}

/// `{"checks": [{"check", "outcome"}, ...], "alongside": x}` as `["pfn...", x]` when it lists
/// every check in order; anything else as it is (wrapped, so it cannot be mistaken).
fn compact(checks: &Value) -> Value {
    let letters = checks.get("checks").and_then(Value::as_array).and_then(|list| {
        (list.len() == Check::ALL.len()).then_some(())?;
        list.iter()
            .zip(Check::ALL)
            .map(|(entry, check)| {
                (entry.get("check")?.as_str()? == check.as_str()).then_some(())?;
                match entry.get("outcome")?.as_str()? {
                    "passed" => Some('p'),
                    "failed" => Some('f'),
                    "not_applicable" => Some('n'),
                    _ => None,
                }
            })
            .collect::<Option<String>>()
    });
    match letters {
        Some(letters) => json!([letters, checks.get("alongside").cloned().unwrap_or(Value::Null)]),
        None => json!({ "as_given": checks }),
    }
}

fn expand(stored: &Value) -> Option<Value> {
    if let Some(given) = stored.get("as_given") {
        return Some(given.clone());
    }
    let pair = stored.as_array().filter(|p| p.len() == 2)?;
    let letters = pair[0].as_str().filter(|l| l.chars().count() == Check::ALL.len())?;
    let checks = letters
        .chars()
        .zip(Check::ALL)
        .map(|(letter, check)| {
            let outcome = match letter {
                'p' => "passed",
                'f' => "failed",
                'n' => "not_applicable",
                _ => return None,
            };
            Some(json!({ "check": check.as_str(), "outcome": outcome }))
        })
        .collect::<Option<Vec<Value>>>()?;
    Some(json!({ "checks": checks, "alongside": pair[1] }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(outcomes: &[&str]) -> Value {
        let list: Vec<Value> = Check::ALL
            .iter()
            .zip(outcomes.iter().cycle())
            .map(|(c, o)| json!({ "check": c.as_str(), "outcome": o }))
            .collect();
        json!({ "checks": list, "alongside": "user.contact.address" })
    }

    fn decision(checks: Value, basis: Option<&str>, reason: Option<&str>) -> DecisionRecord {
        DecisionRecord {
            field: "telephone".into(),
            category: "user.contact.phone_number".into(),
            source_record_id: "r1".into(),
            partner: "compare-hub".into(),
            decision: if basis.is_some() { "allow" } else { "deny" }.into(),
            basis: basis.map(str::to_string),
            reason: reason.map(str::to_string),
            checks,
        }
    }

    #[test]
    fn decisions_come_back_exactly_as_given_and_much_smaller() {
        let given = vec![
            decision(checks(&["passed", "not_applicable", "failed"]), None, Some("tps_registered")),
            decision(checks(&["passed"]), Some("legitimate_interests"), None),
            decision(json!({ "something": "else" }), None, Some("x")),
            decision(Value::Null, None, None),
        ];
        let stored = to_stored(&given).unwrap();
        assert_eq!(from_stored(&stored).unwrap(), given);
        let long = serde_json::to_string(&given[..2]).unwrap();
        assert!(to_stored(&given[..2]).unwrap().len() * 3 < long.len(), "{} vs {}", stored.len(), long.len());
    }

    #[test]
    fn the_earlier_form_is_still_read() {
        let given = vec![decision(checks(&["passed"]), Some("consent"), None)];
        assert_eq!(from_stored(&serde_json::to_string(&given).unwrap()).unwrap(), given);
    }

    #[test]
    fn checks_out_of_order_are_kept_as_given() {
        let mut c = checks(&["passed"]);
        c["checks"].as_array_mut().unwrap().swap(0, 1);
        let given = vec![decision(c, Some("consent"), None)];
        assert_eq!(from_stored(&to_stored(&given).unwrap()).unwrap(), given);
    }

    #[test]
    fn damaged_text_is_a_clear_error() {
        assert!(from_stored("{\"v\": 9, \"d\": []}").is_err());
        assert!(from_stored("{\"v\": 2, \"d\": [[1]]}").is_err());
        assert!(from_stored("{\"v\": 2, \"d\": [[\"a\",\"b\",\"c\",\"d\",\"e\",null,null,[\"pz\", null]]]}").is_err());
    }
}
