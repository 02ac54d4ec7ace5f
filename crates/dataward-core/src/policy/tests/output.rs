//! What leaves the policy: stable reason codes, JSON shapes, and a `Debug` free of personal data.

use super::*;

#[test]
fn reason_codes_are_the_stable_snake_case_names() {
    let codes: Vec<&str> = DenyReason::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(
        codes,
        [
            "purpose_not_offered",
            "contract_excludes_purpose",
            "purpose_not_contracted",
            "category_not_held",
            "purpose_prohibited",
            "purpose_not_permitted",
            "companion_not_released",
            "source_withdrawn",
            "not_consent_holder",
            "unsubscribe_missing",
            "consent_missing",
            "subject_restricted",
            "suppressed",
            "subject_objected",
            "consent_withdrawn",
            "mps_registered",
            "tps_registered",
            "ctps_registered",
        ]
    );
    for reason in DenyReason::ALL {
        assert_eq!(DenyReason::parse(reason.as_str()), Some(reason));
        assert_eq!(serde_json::to_value(reason).unwrap(), serde_json::json!(reason.as_str()));
        assert_eq!(reason.to_string(), reason.as_str());
    }
    assert_eq!(DenyReason::parse("tps"), None);
}

#[test]
fn decisions_serialise_as_tagged_json() {
    assert_eq!(
        serde_json::to_value(deny(DenyReason::TpsRegistered)).unwrap(),
        serde_json::json!({"decision": "deny", "reason": "tps_registered"})
    );
    assert_eq!(
        serde_json::to_value(allow(LawfulBasis::Consent)).unwrap(),
        serde_json::json!({"decision": "allow", "basis": "consent"})
    );
}

#[test]
fn a_trace_lists_every_check_in_precedence_order_for_explain() {
    let phone = ValueFacts { screening: Screening { tps: true, ..Screening::default() }, ..value(c::PHONE) };
    let contract = everything();
    let decided = decide(&broker(), &Request::to_client(p::MARKETING_LIVE_CALL, &contract), &clean(), &phone);
    let json = serde_json::to_value(&decided).unwrap();
    assert_eq!(json["decision"], serde_json::json!({"decision": "deny", "reason": "tps_registered"}));
    let checks = json["trace"]["checks"].as_array().unwrap();
    assert_eq!(checks.len(), Check::ALL.len());
    assert_eq!(checks[0], serde_json::json!({"check": "purpose_offered", "outcome": "passed"}));
    let outcome = |name: &str| checks.iter().find(|c| c["check"] == name).unwrap()["outcome"].clone();
    assert_eq!(outcome("not_tps_registered"), "failed");
    assert_eq!(outcome("not_mps_registered"), "not_applicable");
    assert_eq!(outcome("consent_captured"), "not_applicable");
    assert_eq!(outcome("companion_released"), "not_applicable");
    assert_eq!(json["trace"]["alongside"], serde_json::Value::Null);
    for (check, _) in decided.trace.checks() {
        assert!(checks.iter().any(|c| c["check"] == check.as_str()), "{check:?} serialises as its name");
    }
}

#[test]
fn debug_output_shows_checks_and_provenance_but_no_personal_value() {
    let phone = ValueFacts { screening: Screening { tps: true, ..Screening::default() }, ..value(c::PHONE) };
    let contract = everything();
    let decided = decide(&broker(), &Request::to_client(p::MARKETING_LIVE_CALL, &contract), &clean(), &phone);
    let shown = format!("{decided:?}");
    assert!(shown.contains("TpsRegistered") && shown.contains("\"not_tps_registered\": \"failed\""), "{shown}");
    assert!(!shown.contains("not_mps_registered"), "not-applicable checks are left out: {shown}");
    // ValueFacts has no field for the value itself: its Debug shows category, partner id and flags.
    let facts = format!("{phone:?}");
    assert!(facts.contains("user.contact.phone_number") && facts.contains(PARTNER), "{facts}");
}
