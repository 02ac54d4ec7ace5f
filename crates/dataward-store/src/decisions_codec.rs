//! The stored form of a client request's decisions (`client_requests.decisions`).
//!
//! `explain` needs every value's decision with every check's outcome, but written out as JSON
//! objects that is about 1 KB a value (26 KB for a typical trace), written on every request.
//! Stored instead: `{"v": 2, "d": [row, ...]}`, each row an array of the decision's fields in
//! [`DecisionRecord`] order with the checks as one letter per `Check::ALL` entry (`p` passed,
//! `f` failed, `n` not applicable) followed by the companion's category, written straight from
//! [`DecisionChecks`] and read back into it. Checks in any other shape (not one entry per check,
//! in order) are kept as they are; a plain JSON array (the form before this one) is read as is.
//! A change to `Check::ALL` needs a new version number here.

use serde_json::Value;

use crate::StoreError;
use crate::decision_checks::DecisionChecks;
use crate::release::DecisionRecord;

const VERSION: u64 = 2;

/// The stored text of `decisions`.
pub(crate) fn to_stored(decisions: &[DecisionRecord]) -> Result<String, StoreError> {
    /// A row as stored, serialised straight to text.
    #[derive(serde::Serialize)]
    struct Row<'a>(&'a str, &'a str, &'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>, Checks<'a>);
    /// `[letters, alongside]`, or `{"as_given": checks}`.
    #[derive(serde::Serialize)]
    #[serde(untagged)]
    enum Checks<'a> {
        Letters(&'a str, Option<&'a str>),
        AsGiven { as_given: &'a Value },
    }
    #[derive(serde::Serialize)]
    struct Stored<'a> {
        v: u64,
        d: Vec<Row<'a>>,
    }
    let rows = decisions
        .iter()
        .map(|d| {
            let checks = match &d.checks {
                DecisionChecks::Letters { letters, alongside } => Checks::Letters(letters, alongside.as_deref()),
                DecisionChecks::AsGiven(given) => Checks::AsGiven { as_given: given },
            };
            Row(
                &d.field,
                &d.category,
                &d.source_record_id,
                &d.partner,
                &d.decision,
                d.basis.as_deref(),
                d.reason.as_deref(),
                checks,
            )
        })
        .collect();
    serde_json::to_string(&Stored { v: VERSION, d: rows }).map_err(|e| StoreError::Corrupt(e.to_string()))
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
                checks: stored_checks(&cells[7]).ok_or_else(|| corrupt("bad checks"))?,
            })
        })
        .collect()
}

fn stored_checks(stored: &Value) -> Option<DecisionChecks> {
    if let Some(given) = stored.get("as_given") {
        return Some(DecisionChecks::AsGiven(given.clone()));
    }
    let pair = stored.as_array().filter(|p| p.len() == 2)?;
    let alongside = match &pair[1] {
        Value::Null => None,
        Value::String(c) => Some(c.clone()),
        _ => return None,
    };
    DecisionChecks::from_letters(pair[0].as_str()?, alongside)
}

#[cfg(test)]
mod tests {
    use dataward_core::policy::Check;
    use serde_json::json;

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
        let checks = DecisionChecks::from_json(checks);
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
        let given = vec![decision(c.clone(), Some("consent"), None)];
        assert_eq!(given[0].checks, DecisionChecks::AsGiven(c));
        assert_eq!(from_stored(&to_stored(&given).unwrap()).unwrap(), given);
    }

    #[test]
    fn damaged_text_is_a_clear_error() {
        assert!(from_stored("{\"v\": 9, \"d\": []}").is_err());
        assert!(from_stored("{\"v\": 2, \"d\": [[1]]}").is_err());
        assert!(from_stored("{\"v\": 2, \"d\": [[\"a\",\"b\",\"c\",\"d\",\"e\",null,null,[\"pz\", null]]]}").is_err());
    }
}
