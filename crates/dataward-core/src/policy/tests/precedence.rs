//! The precedence order: with several reasons to withhold, the documented first one is given, and
//! the trace still records every failure.

use super::*;

/// Everything that can be wrong with one request and one value, removable one fault at a time.
#[derive(Clone, Copy)]
struct Faults {
    excluded: bool,
    uncontracted: bool,
    withdrawn_partner: bool,
    other_host: bool,
    no_unsubscribe: bool,
    no_consent: bool,
    restricted: bool,
    suppressed: bool,
    objected: bool,
    consent_withdrawn: bool,
    mps: bool,
    tps: bool,
}

const ALL_FAULTS: Faults = Faults {
    excluded: true,
    uncontracted: true,
    withdrawn_partner: true,
    other_host: true,
    no_unsubscribe: true,
    no_consent: true,
    restricted: true,
    suppressed: true,
    objected: true,
    consent_withdrawn: true,
    mps: true,
    tps: true,
};

fn decide_with(f: Faults, category: Category, purpose: Purpose) -> Decided {
    let mut contract = if f.uncontracted { ClientContract::default() } else { everything() };
    if f.excluded {
        contract = contract.excluding(purpose);
    }
    let request = Request {
        purpose,
        contract: &contract,
        delivery: Delivery::HostedBy { partner: if f.other_host { OTHER_PARTNER } else { PARTNER } },
        unsubscribe_route: !f.no_unsubscribe,
    };
    let subject = SubjectState {
        restricted: f.restricted,
        suppressed: f.suppressed,
        objection: Objection { legitimate_interests: f.objected, direct_marketing: f.objected },
        withdrawals: Withdrawals { all: f.consent_withdrawn, ..Withdrawals::default() },
    };
    let value = ValueFacts {
        category,
        source: Source {
            partner: PARTNER,
            status: if f.withdrawn_partner { PartnerStatus::Withdrawn } else { PartnerStatus::Active },
            consent_captured: !f.no_consent,
        },
        screening: Screening { suppressed: false, mps: f.mps, tps: f.tps, ctps: false },
    };
    decide(&broker(), &request, &subject, &value)
}

/// Removes one fault; the reason expected before it is removed.
type Step = (fn(&mut Faults), DenyReason);

/// Removes faults in the given order; after each removal the reason must be the next one listed.
/// With every fault removed (only registers that do not apply to the cell remain), `last` is given.
fn assert_chain(category: Category, purpose: Purpose, chain: &[Step], last: Decision) {
    let mut faults = ALL_FAULTS;
    let first = decide_with(faults, category, purpose);
    let expected_failures: Vec<DenyReason> = chain.iter().map(|(_, r)| *r).collect();
    assert_eq!(first.trace.failures().collect::<Vec<_>>(), expected_failures, "every failure is in the trace");
    for (fix, reason) in chain {
        assert_eq!(decide_with(faults, category, purpose).decision, deny(*reason));
        fix(&mut faults);
    }
    assert_eq!(decide_with(faults, category, purpose).decision, last);
}

#[test]
fn reasons_for_email_marketing_come_in_the_documented_order() {
    assert_chain(
        c::EMAIL,
        p::MARKETING_EMAIL,
        &[
            (|f| f.excluded = false, DenyReason::ContractExcludesPurpose),
            (|f| f.uncontracted = false, DenyReason::PurposeNotContracted),
            (|f| f.withdrawn_partner = false, DenyReason::SourceWithdrawn),
            (|f| f.other_host = false, DenyReason::NotConsentHolder),
            (|f| f.no_unsubscribe = false, DenyReason::UnsubscribeMissing),
            (|f| f.no_consent = false, DenyReason::ConsentMissing),
            (|f| f.restricted = false, DenyReason::SubjectRestricted),
            (|f| f.suppressed = false, DenyReason::Suppressed),
            (|f| f.objected = false, DenyReason::SubjectObjected),
            (|f| f.consent_withdrawn = false, DenyReason::ConsentWithdrawn),
        ],
        allow(LawfulBasis::Consent),
    );
}

#[test]
fn reasons_for_live_call_marketing_come_in_the_documented_order() {
    assert_chain(
        c::PHONE,
        p::MARKETING_LIVE_CALL,
        &[
            (|f| f.excluded = false, DenyReason::ContractExcludesPurpose),
            (|f| f.uncontracted = false, DenyReason::PurposeNotContracted),
            (|f| f.withdrawn_partner = false, DenyReason::SourceWithdrawn),
            (|f| f.restricted = false, DenyReason::SubjectRestricted),
            (|f| f.suppressed = false, DenyReason::Suppressed),
            (|f| f.objected = false, DenyReason::SubjectObjected),
            (|f| f.tps = false, DenyReason::TpsRegistered),
        ],
        LI,
    );
}

#[test]
fn reasons_for_postal_marketing_end_with_the_mail_preference_service() {
    assert_chain(
        c::ADDRESS,
        p::MARKETING_POST,
        &[
            (|f| f.excluded = false, DenyReason::ContractExcludesPurpose),
            (|f| f.uncontracted = false, DenyReason::PurposeNotContracted),
            (|f| f.withdrawn_partner = false, DenyReason::SourceWithdrawn),
            (|f| f.restricted = false, DenyReason::SubjectRestricted),
            (|f| f.suppressed = false, DenyReason::Suppressed),
            (|f| f.objected = false, DenyReason::SubjectObjected),
            (|f| f.mps = false, DenyReason::MpsRegistered),
        ],
        LI,
    );
}

#[test]
fn a_purpose_never_allowed_for_the_category_is_reported_before_anything_about_the_person() {
    let mut faults = ALL_FAULTS;
    faults.excluded = false;
    faults.uncontracted = false;
    assert_eq!(decide_with(faults, c::PHONE, p::MARKETING_SMS).decision, deny(DenyReason::PurposeProhibited));
    assert_eq!(decide_with(faults, c::LIFESTYLE, p::TRACING).decision, deny(DenyReason::PurposeNotPermitted));
    assert_eq!(decide_with(faults, c::HEALTH, p::TRACING).decision, deny(DenyReason::CategoryNotHeld));
}

#[test]
fn a_purpose_the_profile_does_not_offer_is_reported_first_even_when_contracted() {
    let decided = decide_with(ALL_FAULTS, c::PHONE, p::BILLING);
    assert_eq!(decided.decision, deny(DenyReason::PurposeNotOffered));
}

#[test]
fn a_contract_exclusion_wins_over_the_same_purpose_being_contracted() {
    let contract = everything().excluding(p::DEBT_RECOVERY);
    let request = Request::to_client(p::DEBT_RECOVERY, &contract);
    let decided = decide(&broker(), &request, &clean(), &value(c::PHONE));
    assert_eq!(decided.decision, deny(DenyReason::ContractExcludesPurpose));
    assert_eq!(decided.trace.outcome(Check::ContractIncludes), Outcome::Passed);
}

#[test]
fn a_client_without_the_purpose_in_its_contract_gets_nothing() {
    let contract = ClientContract::for_purposes([p::IDENTITY_VERIFICATION]);
    let decided = decide(&broker(), &Request::to_client(p::TRACING, &contract), &clean(), &value(c::PHONE));
    assert_eq!(decided.decision, deny(DenyReason::PurposeNotContracted));
    let ok = decide(&broker(), &Request::to_client(p::IDENTITY_VERIFICATION, &contract), &clean(), &value(c::PHONE));
    assert_eq!(ok.decision, LI);
}

#[test]
fn checks_and_reasons_are_declared_in_the_same_precedence_order() {
    let failures: Vec<DenyReason> = Check::ALL.iter().map(|c| c.failure()).collect();
    assert_eq!(failures, DenyReason::ALL.to_vec());
    let mut sorted = Check::ALL.to_vec();
    sorted.sort();
    assert_eq!(sorted, Check::ALL.to_vec(), "Check::ALL must follow declaration order (the trace indexes by it)");
}
