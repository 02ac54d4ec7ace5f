//! The name rule: released wherever another category of the same person is, on its basis, never
//! alone, and never past its own source partner or the person's state.

use super::*;

fn with_status(category: Category, partner: &'static str, status: PartnerStatus) -> ValueFacts<'static> {
    ValueFacts { source: Source { partner, status, consent_captured: true }, ..value(category) }
}

fn person_decisions(request: &Request<'_>, subject: &SubjectState, values: &[ValueFacts<'_>]) -> Vec<Decision> {
    decide_person(&broker(), request, subject, values).into_iter().map(|d| d.decision).collect()
}

#[test]
fn a_name_on_its_own_is_never_released() {
    for purpose in [p::IDENTITY_VERIFICATION, p::DEBT_RECOVERY, p::TRACING, p::MARKETING_POST] {
        assert_eq!(to_client(purpose, &clean(), &value(c::NAME)), deny(DenyReason::CompanionNotReleased), "{purpose}");
        let contract = everything();
        let request = Request::to_client(purpose, &contract);
        assert_eq!(person_decisions(&request, &clean(), &[value(c::NAME)]), [deny(DenyReason::CompanionNotReleased)]);
    }
}

#[test]
fn the_name_goes_out_with_a_released_phone_on_the_phones_basis() {
    let contract = everything();
    let request = Request::to_client(p::DEBT_RECOVERY, &contract);
    let decided = decide_person(&broker(), &request, &clean(), &[value(c::NAME), value(c::PHONE)]);
    assert_eq!(decided[0].decision, LI);
    assert_eq!(decided[0].trace.alongside(), Some(c::PHONE));
    assert_eq!(decided[0].trace.outcome(Check::CompanionReleased), Outcome::Passed);
    assert_eq!(decided[1].decision, LI);
}

#[test]
fn the_name_is_withheld_when_the_only_other_value_is_withheld() {
    let phone = ValueFacts { screening: Screening { tps: true, ..Screening::default() }, ..value(c::PHONE) };
    let contract = everything();
    let request = Request::to_client(p::MARKETING_LIVE_CALL, &contract);
    assert_eq!(
        person_decisions(&request, &clean(), &[value(c::NAME), phone]),
        [deny(DenyReason::CompanionNotReleased), deny(DenyReason::TpsRegistered)]
    );
}

#[test]
fn the_name_goes_out_on_consent_alongside_a_hosted_marketing_email() {
    let contract = everything();
    let request = Request::host_emailing(p::MARKETING_EMAIL, &contract, PARTNER);
    let decided = decide_person(&broker(), &request, &clean(), &[value(c::EMAIL), value(c::NAME), value(c::PHONE)]);
    assert_eq!(decided[1].decision, allow(LawfulBasis::Consent));
    assert_eq!(decided[1].trace.alongside(), Some(c::EMAIL));
    assert_eq!(decided[2].decision, deny(DenyReason::PurposeNotPermitted));
}

#[test]
fn a_name_from_another_partner_is_not_sent_in_a_host_email() {
    let contract = everything();
    let request = Request::host_emailing(p::MARKETING_EMAIL, &contract, PARTNER);
    let name = with_status(c::NAME, OTHER_PARTNER, PartnerStatus::Active);
    assert_eq!(
        person_decisions(&request, &clean(), &[value(c::EMAIL), name]),
        [allow(LawfulBasis::Consent), deny(DenyReason::NotConsentHolder)]
    );
}

#[test]
fn a_name_from_a_withdrawn_partner_stays_withheld_beside_a_released_phone() {
    let contract = everything();
    let request = Request::to_client(p::TRACING, &contract);
    let name = with_status(c::NAME, OTHER_PARTNER, PartnerStatus::Withdrawn);
    assert_eq!(person_decisions(&request, &clean(), &[name, value(c::PHONE)]), [deny(DenyReason::SourceWithdrawn), LI]);
}

#[test]
fn a_name_from_an_active_partner_goes_out_beside_a_phone_from_another_active_partner() {
    let contract = everything();
    let request = Request::to_client(p::TRACING, &contract);
    let name = with_status(c::NAME, OTHER_PARTNER, PartnerStatus::Active);
    assert_eq!(person_decisions(&request, &clean(), &[name, value(c::PHONE)]), [LI, LI]);
}

#[test]
fn the_name_of_a_restricted_subject_is_withheld_like_everything_else() {
    let contract = everything();
    let request = Request::to_client(p::TRACING, &contract);
    let restricted = SubjectState { restricted: true, ..clean() };
    assert_eq!(
        person_decisions(&request, &restricted, &[value(c::NAME), value(c::PHONE)]),
        [deny(DenyReason::CompanionNotReleased), deny(DenyReason::SubjectRestricted)]
    );
}

#[test]
fn the_name_borrows_the_first_released_category_that_it_can_go_out_with() {
    let contract = everything();
    let request = Request::host_emailing(p::MARKETING_EMAIL, &contract, OTHER_PARTNER);
    // The email from PARTNER cannot go in OTHER_PARTNER's host email; the one from OTHER_PARTNER can.
    let ours = value(c::EMAIL);
    let theirs = with_status(c::EMAIL, OTHER_PARTNER, PartnerStatus::Active);
    let name = with_status(c::NAME, OTHER_PARTNER, PartnerStatus::Active);
    let decided = decide_person(&broker(), &request, &clean(), &[ours, name, theirs]);
    assert_eq!(decided[0].decision, deny(DenyReason::NotConsentHolder));
    assert_eq!(decided[1].decision, allow(LawfulBasis::Consent));
    assert_eq!(decided[2].decision, allow(LawfulBasis::Consent));
}

#[test]
fn decide_companion_takes_the_other_categories_decisions_directly() {
    let contract = everything();
    let request = Request::to_client(p::DATA_ENHANCEMENT, &contract);
    let profile = broker();
    let name = value(c::NAME);
    let released = [(c::CHILDREN_PRESENT, LI), (c::EMAIL, deny(DenyReason::PurposeNotPermitted))];
    let decided = decide_companion(&profile, &request, &clean(), &name, &released);
    assert_eq!(decided.decision, LI);
    assert_eq!(decided.trace.alongside(), Some(c::CHILDREN_PRESENT));
    let none_released = [(c::EMAIL, deny(DenyReason::PurposeNotPermitted))];
    let decided = decide_companion(&profile, &request, &clean(), &name, &none_released);
    assert_eq!(decided.decision, deny(DenyReason::CompanionNotReleased));
    assert_eq!(decided.trace.alongside(), None);
}

#[test]
fn decide_person_answers_every_value_in_input_order() {
    let contract = everything();
    let request = Request::to_client(p::IDENTITY_VERIFICATION, &contract);
    let values = [value(c::LIFESTYLE), value(c::NAME), value(c::DATE_OF_BIRTH), value(c::NAME), value(c::EMAIL)];
    assert_eq!(person_decisions(&request, &clean(), &values), [deny(DenyReason::PurposeNotPermitted), LI, LI, LI, LI]);
    assert!(person_decisions(&request, &clean(), &[]).is_empty());
}
