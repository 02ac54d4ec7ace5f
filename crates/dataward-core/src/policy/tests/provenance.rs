//! The value's provenance: the source partner's status, the consent it captured, and email
//! marketing only as host emailing by the consent-holding partner.

use super::*;

fn from(partner: &'static str, status: PartnerStatus, consent_captured: bool) -> ValueFacts<'static> {
    ValueFacts { source: Source { partner, status, consent_captured }, ..value(c::EMAIL) }
}

#[test]
fn a_withdrawn_partners_data_is_released_for_nothing() {
    let profile = broker();
    let contract = everything();
    for category in profile.held.iter().copied() {
        let withdrawn = ValueFacts {
            source: Source { partner: PARTNER, status: PartnerStatus::Withdrawn, consent_captured: true },
            ..value(category)
        };
        for purpose in profile.purposes.iter().copied() {
            for request in [Request::to_client(purpose, &contract), Request::host_emailing(purpose, &contract, PARTNER)]
            {
                let decided = decide(&profile, &request, &clean(), &withdrawn);
                assert!(!decided.decision.is_allow(), "{category} × {purpose}");
                assert_eq!(decided.trace.outcome(Check::SourceActive), Outcome::Failed, "{category} × {purpose}");
            }
        }
    }
    assert_eq!(
        to_client(
            p::DEBT_RECOVERY,
            &clean(),
            &ValueFacts { category: c::PHONE, ..from(PARTNER, PartnerStatus::Withdrawn, true) }
        ),
        deny(DenyReason::SourceWithdrawn)
    );
}

#[test]
fn email_marketing_is_allowed_on_consent_when_hosted_by_the_partner_that_captured_it() {
    assert_eq!(
        hosted(p::MARKETING_EMAIL, &clean(), &from(PARTNER, PartnerStatus::Active, true)),
        allow(LawfulBasis::Consent)
    );
}

#[test]
fn email_marketing_hosted_by_another_partner_is_denied() {
    let email = from(OTHER_PARTNER, PartnerStatus::Active, true);
    assert_eq!(hosted(p::MARKETING_EMAIL, &clean(), &email), deny(DenyReason::NotConsentHolder));
}

#[test]
fn email_addresses_are_never_handed_to_a_client_for_email_marketing() {
    let email = from(PARTNER, PartnerStatus::Active, true);
    assert_eq!(to_client(p::MARKETING_EMAIL, &clean(), &email), deny(DenyReason::NotConsentHolder));
    let contract = everything();
    let with_unsubscribe = Request { unsubscribe_route: true, ..Request::to_client(p::MARKETING_EMAIL, &contract) };
    assert_eq!(decide(&broker(), &with_unsubscribe, &clean(), &email).decision, deny(DenyReason::NotConsentHolder));
}

#[test]
fn email_marketing_without_captured_consent_is_denied_as_consent_missing() {
    let email = from(PARTNER, PartnerStatus::Active, false);
    assert_eq!(hosted(p::MARKETING_EMAIL, &clean(), &email), deny(DenyReason::ConsentMissing));
    assert_eq!(to_client(p::TRACING, &clean(), &email), LI, "legitimate-interests uses need no consent");
}

#[test]
fn host_emailing_without_an_unsubscribe_link_is_denied() {
    let contract = everything();
    let request =
        Request { unsubscribe_route: false, ..Request::host_emailing(p::MARKETING_EMAIL, &contract, PARTNER) };
    let decided = decide(&broker(), &request, &clean(), &from(PARTNER, PartnerStatus::Active, true));
    assert_eq!(decided.decision, deny(DenyReason::UnsubscribeMissing));
}

#[test]
fn a_category_the_profile_does_not_hold_is_never_released() {
    for category in [c::CREDIT_SCORE, c::HEALTH, c::CHILDREN, c::IP_ADDRESS] {
        assert_eq!(to_client(p::IDENTITY_VERIFICATION, &clean(), &value(category)), deny(DenyReason::CategoryNotHeld));
    }
}
