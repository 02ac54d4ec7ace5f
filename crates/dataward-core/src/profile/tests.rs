//! Tests for profile loading, the shipped profiles, and every kind of profile error.

use super::*;
use crate::taxonomy::{categories as c, purposes as p};

fn broker() -> Profile {
    Profile::builtin("data-broker").unwrap().unwrap()
}

fn broken(from: &str, to: &str) -> ProfileError {
    let text = BUILTIN[0].1;
    assert!(text.contains(from), "fixture text `{from}` not in profile");
    Profile::from_toml("custom.toml", &text.replacen(from, to, 1)).unwrap_err()
}

fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn every_shipped_profile_loads() {
    for (name, _) in BUILTIN {
        let profile = Profile::builtin(name).unwrap().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&profile.name, name);
        assert_eq!(profile.region, "uk");
    }
}

#[test]
fn data_broker_matrix_is_exactly_the_reference_table() {
    let allowed = [
        (
            c::ADDRESS,
            vec![
                p::FRAUD_PREVENTION,
                p::IDENTITY_VERIFICATION,
                p::DEBT_RECOVERY,
                p::REVENUE_COLLECTION,
                p::TRACING,
                p::MARKETING_POST,
            ],
        ),
        (
            c::PHONE,
            vec![
                p::FRAUD_PREVENTION,
                p::IDENTITY_VERIFICATION,
                p::DEBT_RECOVERY,
                p::REVENUE_COLLECTION,
                p::TRACING,
                p::MARKETING_LIVE_CALL,
            ],
        ),
        (
            c::EMAIL,
            vec![
                p::FRAUD_PREVENTION,
                p::IDENTITY_VERIFICATION,
                p::DEBT_RECOVERY,
                p::REVENUE_COLLECTION,
                p::TRACING,
                p::CUSTOMER_ACQUISITION,
                p::MARKETING_EMAIL,
            ],
        ),
        (c::DATE_OF_BIRTH, vec![p::IDENTITY_VERIFICATION, p::DATA_ENHANCEMENT, p::CUSTOMER_ACQUISITION]),
        (c::LIFESTYLE, vec![p::DATA_ENHANCEMENT, p::CUSTOMER_ACQUISITION]),
        (c::INSURANCE_RENEWAL_MONTH, vec![p::CUSTOMER_ACQUISITION]),
        (c::CHILDREN_PRESENT, vec![p::DATA_ENHANCEMENT]),
    ];
    let profile = broker();
    let expected_cells: usize = allowed.iter().map(|(_, ps)| ps.len()).sum();
    assert_eq!(profile.matrix().len(), expected_cells);
    for (category, purposes) in &allowed {
        for purpose in &profile.purposes {
            let rule = profile.rule_for(*category, *purpose);
            assert_eq!(rule.is_some(), purposes.contains(purpose), "{category} × {purpose}");
        }
    }
    let email_marketing = profile.rule_for(c::EMAIL, p::MARKETING_EMAIL).unwrap();
    assert_eq!(email_marketing.basis, LawfulBasis::Consent);
    assert!(email_marketing.conditions.contains(&Condition::ConsentHoldingPartnerOnly));
    assert_eq!(profile.rule_for(c::ADDRESS, p::MARKETING_POST).unwrap().conditions, vec![Condition::NotMpsRegistered]);
    assert_eq!(
        profile.rule_for(c::PHONE, p::MARKETING_LIVE_CALL).unwrap().conditions,
        vec![Condition::NotTpsRegistered, Condition::NotCtpsRegistered],
        "TPS as the notice says, and the Corporate TPS as PECR requires"
    );
    assert!(profile.rule_for(c::PHONE, p::TRACING).unwrap().conditions.is_empty());
    assert!(profile.prohibition_for(c::PHONE, p::MARKETING_SMS).is_some());
    assert!(profile.prohibition_for(c::PHONE, p::MARKETING_AUTOMATED_CALL).is_some());
    assert_eq!(profile.companions, vec![c::NAME]);
    assert_eq!(profile.departed_partner_hold_days, 183);
    assert_eq!(profile.response_period, ResponsePeriod::CalendarMonth);
}

#[test]
fn data_broker_refuses_the_categories_its_notice_excludes() {
    let profile = broker();
    for refused in [
        c::FINANCIAL,
        c::CREDIT_SCORE,
        c::CREDIT_HISTORY,
        c::HEALTH,
        c::POLITICAL,
        c::RELIGION,
        c::SEXUAL_ORIENTATION,
        c::CHILDREN,
    ] {
        assert!(profile.refuses(refused), "{refused}");
    }
    assert!(!profile.refuses(c::EMAIL));
    assert!(!profile.refuses(c::CHILDREN_PRESENT), "the flag is held, data about children is not");
}

#[test]
fn telecom_provider_answers_rights_requests_within_28_days() {
    let profile = Profile::builtin("telecom-provider").unwrap().unwrap();
    assert_eq!(profile.response_period, ResponsePeriod::Days(28));
}

#[test]
fn an_unknown_category_names_the_file_line_and_key() {
    let text = BUILTIN[0].1;
    let err = broken(
        "\"user.demographic.lifestyle\",\n  \"user.demographic.insurance",
        "\"user.demographic.lifestlye\",\n  \"user.demographic.insurance",
    );
    let line = line_of(text, "\"user.demographic.lifestyle\",");
    assert_eq!(
        err,
        ProfileError::Unknown {
            file: "custom.toml".into(),
            line,
            key: "held[5]".into(),
            kind: "category",
            value: "user.demographic.lifestlye".into()
        }
    );
    assert!(err.to_string().starts_with(&format!("custom.toml:{line}: unknown category")), "{err}");
}

#[test]
fn an_unknown_purpose_in_a_rule_names_the_rule() {
    let err = broken("purposes = [\"customer_acquisition\"]", "purposes = [\"customer_aquisition\"]");
    match err {
        ProfileError::Unknown { key, kind, value, line, .. } => {
            assert_eq!(kind, "purpose");
            assert_eq!(value, "customer_aquisition");
            assert_eq!(key, "rule[8].purposes[0]");
            assert_eq!(line, line_of(BUILTIN[0].1, "purposes = [\"customer_acquisition\"]"));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn an_unknown_lawful_basis_is_rejected() {
    let err = broken("basis = \"consent\"", "basis = \"implied_consent\"");
    assert!(
        matches!(err, ProfileError::Unknown { kind: "lawful basis", ref key, .. } if key == "rule[5].basis"),
        "{err:?}"
    );
}

#[test]
fn an_unknown_condition_is_rejected() {
    let err = broken("conditions = [\"not_mps_registered\"]", "conditions = [\"not_mps\"]");
    assert!(matches!(err, ProfileError::Unknown { kind: "condition", .. }), "{err:?}");
}

#[test]
fn an_unknown_key_is_a_syntax_error_with_its_line() {
    let err = broken("region = \"uk\"", "region = \"uk\"\nregoin = \"uk\"");
    match err {
        ProfileError::Syntax { line, message, .. } => {
            assert_eq!(line, line_of(BUILTIN[0].1, "region = \"uk\"") + 1);
            assert!(message.contains("regoin"), "{message}");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn a_rule_that_breaks_a_prohibition_is_rejected() {
    let err = broken("purposes = [\"marketing.live_call\"]", "purposes = [\"marketing.live_call\", \"marketing.sms\"]");
    assert!(matches!(err, ProfileError::Invalid { ref key, .. } if key == "prohibition[0].purposes[0]"), "{err:?}");
}

#[test]
fn a_category_both_held_and_refused_is_rejected() {
    let err = broken("\"user.childrens\",\n]", "\"user.childrens\",\n  \"user.demographic.lifestyle\",\n]");
    assert!(
        matches!(err, ProfileError::Invalid { ref message, .. } if message.contains("both held and refused")),
        "{err:?}"
    );
}

#[test]
fn a_rule_purpose_not_declared_by_the_profile_is_rejected() {
    let err = broken("  \"customer_acquisition\",\n  \"marketing.post\",", "  \"marketing.post\",");
    assert!(matches!(err, ProfileError::Invalid { ref key, .. } if key == "rule[4].purposes[5]"), "{err:?}");
    assert!(err.to_string().contains("not declared"), "{err}");
}

#[test]
fn response_periods_parse_month_or_days() {
    assert_eq!(parse_period("calendar_month"), Some(ResponsePeriod::CalendarMonth));
    assert_eq!(parse_period("28_days"), Some(ResponsePeriod::Days(28)));
    assert_eq!(parse_period("0_days"), None);
    assert_eq!(parse_period("a_month"), None);
}
