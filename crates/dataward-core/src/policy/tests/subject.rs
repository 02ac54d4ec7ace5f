//! The person's state: restriction, suppression, objections, consent withdrawal, unsubscribes and
//! the preference registers.

use super::*;

/// Every (category, purpose) the broker releases for an ordinary client, from the reference table.
const RELEASED_TO_CLIENTS: &[(Category, &[Purpose])] = &[
    (
        c::ADDRESS,
        &[
            p::IDENTITY_VERIFICATION,
            p::FRAUD_PREVENTION,
            p::DEBT_RECOVERY,
            p::REVENUE_COLLECTION,
            p::TRACING,
            p::MARKETING_POST,
        ],
    ),
    (
        c::PHONE,
        &[
            p::IDENTITY_VERIFICATION,
            p::FRAUD_PREVENTION,
            p::DEBT_RECOVERY,
            p::REVENUE_COLLECTION,
            p::TRACING,
            p::MARKETING_LIVE_CALL,
        ],
    ),
    (
        c::EMAIL,
        &[
            p::IDENTITY_VERIFICATION,
            p::FRAUD_PREVENTION,
            p::DEBT_RECOVERY,
            p::REVENUE_COLLECTION,
            p::TRACING,
            p::CUSTOMER_ACQUISITION,
        ],
    ),
    (c::DATE_OF_BIRTH, &[p::IDENTITY_VERIFICATION, p::DATA_ENHANCEMENT, p::CUSTOMER_ACQUISITION]),
    (c::LIFESTYLE, &[p::DATA_ENHANCEMENT, p::CUSTOMER_ACQUISITION]),
    (c::INSURANCE_RENEWAL_MONTH, &[p::CUSTOMER_ACQUISITION]),
    (c::CHILDREN_PRESENT, &[p::DATA_ENHANCEMENT]),
];

fn assert_every_cell_denied(subject: &SubjectState, reason: DenyReason) {
    for (category, purposes) in RELEASED_TO_CLIENTS {
        for purpose in *purposes {
            assert_eq!(to_client(*purpose, &clean(), &value(*category)), LI, "{category} × {purpose} (baseline)");
            assert_eq!(to_client(*purpose, subject, &value(*category)), deny(reason), "{category} × {purpose}");
        }
    }
    assert_eq!(hosted(p::MARKETING_EMAIL, subject, &value(c::EMAIL)), deny(reason), "email marketing");
}

#[test]
fn a_restricted_subject_has_nothing_released_for_any_purpose() {
    assert_every_cell_denied(&SubjectState { restricted: true, ..clean() }, DenyReason::SubjectRestricted);
}

#[test]
fn a_suppressed_subject_has_nothing_released_for_any_purpose() {
    assert_every_cell_denied(&SubjectState { suppressed: true, ..clean() }, DenyReason::Suppressed);
}

#[test]
fn a_suppressed_value_is_withheld_while_the_persons_other_values_are_released() {
    let email = ValueFacts { screening: Screening { suppressed: true, ..Screening::default() }, ..value(c::EMAIL) };
    assert_eq!(to_client(p::TRACING, &clean(), &email), deny(DenyReason::Suppressed));
    assert_eq!(hosted(p::MARKETING_EMAIL, &clean(), &email), deny(DenyReason::Suppressed));
    assert_eq!(to_client(p::TRACING, &clean(), &value(c::PHONE)), LI);
}

#[test]
fn an_objection_to_legitimate_interests_stops_every_legitimate_interests_use() {
    let objected =
        SubjectState { objection: Objection { legitimate_interests: true, direct_marketing: false }, ..clean() };
    assert_every_cell_denied_except_consent(&objected);
}

fn assert_every_cell_denied_except_consent(objected: &SubjectState) {
    for (category, purposes) in RELEASED_TO_CLIENTS {
        for purpose in *purposes {
            assert_eq!(
                to_client(*purpose, objected, &value(*category)),
                deny(DenyReason::SubjectObjected),
                "{category} × {purpose}"
            );
        }
    }
    // Email marketing rests on consent, which an objection to legitimate interests does not touch.
    assert_eq!(hosted(p::MARKETING_EMAIL, objected, &value(c::EMAIL)), allow(LawfulBasis::Consent));
}

#[test]
fn an_objection_to_direct_marketing_stops_marketing_and_list_building_but_not_checks_or_collection() {
    let objected =
        SubjectState { objection: Objection { legitimate_interests: false, direct_marketing: true }, ..clean() };
    let objection = deny(DenyReason::SubjectObjected);
    assert_eq!(to_client(p::MARKETING_POST, &objected, &value(c::ADDRESS)), objection);
    assert_eq!(to_client(p::MARKETING_LIVE_CALL, &objected, &value(c::PHONE)), objection);
    assert_eq!(hosted(p::MARKETING_EMAIL, &objected, &value(c::EMAIL)), objection, "absolute, even on consent");
    assert_eq!(to_client(p::CUSTOMER_ACQUISITION, &objected, &value(c::EMAIL)), objection);
    assert_eq!(to_client(p::DATA_ENHANCEMENT, &objected, &value(c::LIFESTYLE)), objection);
    for purpose in [p::IDENTITY_VERIFICATION, p::FRAUD_PREVENTION, p::DEBT_RECOVERY, p::REVENUE_COLLECTION, p::TRACING]
    {
        assert_eq!(to_client(purpose, &objected, &value(c::PHONE)), LI, "{purpose}");
    }
}

#[test]
fn withdrawing_all_consent_stops_email_marketing_but_no_legitimate_interests_use() {
    let withdrawn = SubjectState { withdrawals: Withdrawals { all: true, ..Withdrawals::default() }, ..clean() };
    assert_eq!(hosted(p::MARKETING_EMAIL, &withdrawn, &value(c::EMAIL)), deny(DenyReason::ConsentWithdrawn));
    for (category, purposes) in RELEASED_TO_CLIENTS {
        for purpose in *purposes {
            assert_eq!(to_client(*purpose, &withdrawn, &value(*category)), LI, "{category} × {purpose}");
        }
    }
}

#[test]
fn unsubscribing_from_email_stops_email_marketing_only() {
    let unsubscribed = SubjectState { withdrawals: Withdrawals::channel(MarketingChannel::Email), ..clean() };
    assert_eq!(hosted(p::MARKETING_EMAIL, &unsubscribed, &value(c::EMAIL)), deny(DenyReason::ConsentWithdrawn));
    assert_eq!(to_client(p::CUSTOMER_ACQUISITION, &unsubscribed, &value(c::EMAIL)), LI);
    assert_eq!(to_client(p::MARKETING_POST, &unsubscribed, &value(c::ADDRESS)), LI);
    assert_eq!(to_client(p::MARKETING_LIVE_CALL, &unsubscribed, &value(c::PHONE)), LI);
}

#[test]
fn opting_out_of_one_legitimate_interests_channel_is_an_objection_to_that_channel_only() {
    let opted_out = SubjectState { withdrawals: Withdrawals::channel(MarketingChannel::Post), ..clean() };
    assert_eq!(to_client(p::MARKETING_POST, &opted_out, &value(c::ADDRESS)), deny(DenyReason::SubjectObjected));
    assert_eq!(to_client(p::TRACING, &opted_out, &value(c::ADDRESS)), LI);
    assert_eq!(to_client(p::MARKETING_LIVE_CALL, &opted_out, &value(c::PHONE)), LI);
}

#[test]
fn mps_registration_blocks_postal_marketing_only() {
    let address = ValueFacts { screening: Screening { mps: true, ..Screening::default() }, ..value(c::ADDRESS) };
    assert_eq!(to_client(p::MARKETING_POST, &clean(), &address), deny(DenyReason::MpsRegistered));
    for purpose in [p::IDENTITY_VERIFICATION, p::FRAUD_PREVENTION, p::DEBT_RECOVERY, p::REVENUE_COLLECTION, p::TRACING]
    {
        assert_eq!(to_client(purpose, &clean(), &address), LI, "{purpose}");
    }
}

#[test]
fn tps_registered_number_is_withheld_for_live_call_marketing_but_released_for_debt_recovery() {
    let phone = ValueFacts { screening: Screening { tps: true, ..Screening::default() }, ..value(c::PHONE) };
    assert_eq!(to_client(p::MARKETING_LIVE_CALL, &clean(), &phone), deny(DenyReason::TpsRegistered));
    assert_eq!(to_client(p::DEBT_RECOVERY, &clean(), &phone), LI);
    for purpose in [p::IDENTITY_VERIFICATION, p::FRAUD_PREVENTION, p::REVENUE_COLLECTION, p::TRACING] {
        assert_eq!(to_client(purpose, &clean(), &phone), LI, "{purpose}");
    }
}

#[test]
fn register_entries_on_one_value_do_not_reach_another_channel() {
    let on_every_register = Screening { mps: true, tps: true, ctps: true, suppressed: false };
    let email = ValueFacts { screening: on_every_register, ..value(c::EMAIL) };
    assert_eq!(hosted(p::MARKETING_EMAIL, &clean(), &email), allow(LawfulBasis::Consent));
    let address = ValueFacts { screening: Screening { tps: true, ..Screening::default() }, ..value(c::ADDRESS) };
    assert_eq!(to_client(p::MARKETING_POST, &clean(), &address), LI);
}
