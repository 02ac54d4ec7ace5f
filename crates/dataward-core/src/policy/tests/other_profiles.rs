//! The other shipped profiles: each one's matrix, bases and conditions are respected.

use super::*;

fn decide_in(profile_name: &str, request: &Request<'_>, subject: &SubjectState, value: &ValueFacts<'_>) -> Decision {
    decide(&profile(profile_name), request, subject, value).decision
}

fn with_screening(category: Category, screening: Screening) -> ValueFacts<'static> {
    ValueFacts { screening, ..value(category) }
}

const CONTRACT: Decision = Decision::Allow { basis: LawfulBasis::Contract };
const CONSENT: Decision = Decision::Allow { basis: LawfulBasis::Consent };

#[test]
fn messaging_processor_sends_sms_and_automated_calls_on_consent_with_an_unsubscribe_route() {
    let contract = everything();
    let objected =
        SubjectState { objection: Objection { legitimate_interests: true, direct_marketing: false }, ..clean() };
    for purpose in [p::MARKETING_SMS, p::MARKETING_AUTOMATED_CALL] {
        let with_route = Request { unsubscribe_route: true, ..Request::to_client(purpose, &contract) };
        assert_eq!(decide_in("messaging-processor", &with_route, &objected, &value(c::PHONE)), CONSENT, "{purpose}");
        let without = Request::to_client(purpose, &contract);
        assert_eq!(
            decide_in("messaging-processor", &without, &clean(), &value(c::PHONE)),
            deny(DenyReason::UnsubscribeMissing),
            "{purpose}"
        );
        let no_consent =
            ValueFacts { source: Source { consent_captured: false, ..value(c::PHONE).source }, ..value(c::PHONE) };
        assert_eq!(
            decide_in("messaging-processor", &with_route, &clean(), &no_consent),
            deny(DenyReason::ConsentMissing),
            "{purpose}"
        );
    }
}

#[test]
fn messaging_processor_uses_numbers_and_references_on_contract_for_collection_and_reminders() {
    let contract = everything();
    let tps = Screening { tps: true, ..Screening::default() };
    for purpose in [p::DEBT_RECOVERY, p::ACCOUNT_REMINDERS, p::CALL_CENTRE_TRANSFER, p::INCOMPLETE_APPLICATIONS] {
        let request = Request::to_client(purpose, &contract);
        assert_eq!(decide_in("messaging-processor", &request, &clean(), &with_screening(c::PHONE, tps)), CONTRACT);
        assert_eq!(decide_in("messaging-processor", &request, &clean(), &value(c::CUSTOMER_REFERENCE)), CONTRACT);
    }
    let tracing = Request::to_client(p::TRACING, &contract);
    assert_eq!(
        decide_in("messaging-processor", &tracing, &clean(), &value(c::PHONE)),
        deny(DenyReason::PurposeNotOffered)
    );
    let email = Request::to_client(p::DEBT_RECOVERY, &contract);
    assert_eq!(decide_in("messaging-processor", &email, &clean(), &value(c::EMAIL)), deny(DenyReason::CategoryNotHeld));
}

#[test]
fn telecom_provider_withholds_tps_and_ctps_numbers_from_live_call_marketing_only() {
    let contract = everything();
    let call = Request::to_client(p::MARKETING_LIVE_CALL, &contract);
    let billing = Request::to_client(p::BILLING, &contract);
    let ctps = with_screening(c::PHONE, Screening { ctps: true, ..Screening::default() });
    let tps = with_screening(c::PHONE, Screening { tps: true, ..Screening::default() });
    assert_eq!(decide_in("telecom-provider", &call, &clean(), &ctps), deny(DenyReason::CtpsRegistered));
    assert_eq!(decide_in("telecom-provider", &call, &clean(), &tps), deny(DenyReason::TpsRegistered));
    assert_eq!(decide_in("telecom-provider", &call, &clean(), &value(c::PHONE)), LI);
    assert_eq!(decide_in("telecom-provider", &billing, &clean(), &ctps), CONTRACT);
}

#[test]
fn telecom_provider_contract_uses_survive_objection_and_consent_withdrawal() {
    let contract = everything();
    let everything_said = SubjectState {
        objection: Objection { legitimate_interests: true, direct_marketing: true },
        withdrawals: Withdrawals { all: true, unsubscribed: MarketingChannel::ALL.into_iter().collect() },
        ..clean()
    };
    let billing = Request::to_client(p::BILLING, &contract);
    assert_eq!(decide_in("telecom-provider", &billing, &everything_said, &value(c::BANK_ACCOUNT)), CONTRACT);
    let credit = Request::to_client(p::CREDIT_RISK, &contract);
    assert_eq!(
        decide_in("telecom-provider", &credit, &everything_said, &value(c::CREDIT_HISTORY)),
        deny(DenyReason::SubjectObjected)
    );
    let id = Request::to_client(p::IDENTITY_VERIFICATION, &contract);
    assert_eq!(
        decide_in("telecom-provider", &id, &everything_said, &value(c::NATIONALITY)),
        allow(LawfulBasis::LegalObligation)
    );
    let email = Request { unsubscribe_route: true, ..Request::to_client(p::MARKETING_EMAIL, &contract) };
    assert_eq!(
        decide_in("telecom-provider", &email, &clean(), &value(c::EMAIL)),
        CONSENT,
        "no host-emailing condition"
    );
    assert_eq!(
        decide_in("telecom-provider", &email, &everything_said, &value(c::EMAIL)),
        deny(DenyReason::SubjectObjected)
    );
}

#[test]
fn email_platform_emails_on_consent_and_serves_on_contract() {
    let contract = everything();
    let marketing = Request { unsubscribe_route: true, ..Request::to_client(p::MARKETING_EMAIL, &contract) };
    assert_eq!(decide_in("email-platform", &marketing, &clean(), &value(c::EMAIL)), CONSENT);
    let unsubscribed = SubjectState { withdrawals: Withdrawals::channel(MarketingChannel::Email), ..clean() };
    assert_eq!(
        decide_in("email-platform", &marketing, &unsubscribed, &value(c::EMAIL)),
        deny(DenyReason::ConsentWithdrawn)
    );
    let service = Request::to_client(p::SERVICE_DELIVERY, &contract);
    assert_eq!(decide_in("email-platform", &service, &unsubscribed, &value(c::EMAIL)), CONTRACT);
    let analytics = Request::to_client(p::ANALYTICS, &contract);
    assert_eq!(decide_in("email-platform", &analytics, &clean(), &value(c::BROWSING)), LI);
    assert_eq!(
        decide_in("email-platform", &analytics, &clean(), &value(c::EMAIL)),
        deny(DenyReason::PurposeNotPermitted)
    );
    let sms = Request::to_client(p::MARKETING_SMS, &contract);
    assert_eq!(decide_in("email-platform", &sms, &clean(), &value(c::PHONE)), deny(DenyReason::UnsubscribeMissing));
}

#[test]
fn web_analytics_holds_no_names_or_contacts_and_discloses_ip_addresses_only_as_required_by_law() {
    let contract = everything();
    let law = Request::to_client(p::LAW_ENFORCEMENT, &contract);
    assert_eq!(decide_in("web-analytics", &law, &clean(), &value(c::IP_ADDRESS)), allow(LawfulBasis::LegalObligation));
    assert_eq!(decide_in("web-analytics", &law, &clean(), &value(c::BROWSING)), deny(DenyReason::PurposeNotPermitted));
    let analytics = Request::to_client(p::ANALYTICS, &contract);
    for category in [c::NAME, c::EMAIL, c::ADDRESS, c::PHONE] {
        assert_eq!(
            decide_in("web-analytics", &analytics, &clean(), &value(category)),
            deny(DenyReason::CategoryNotHeld)
        );
    }
    assert_eq!(decide_in("web-analytics", &analytics, &clean(), &value(c::POSTCODE_OUTWARD)), LI);
    let email = Request::to_client(p::MARKETING_EMAIL, &contract);
    assert_eq!(
        decide_in("web-analytics", &email, &clean(), &value(c::IP_ADDRESS)),
        deny(DenyReason::PurposeNotPermitted)
    );
    let billing = Request::to_client(p::BILLING, &contract);
    assert_eq!(
        decide_in("web-analytics", &billing, &clean(), &value(c::IP_ADDRESS)),
        deny(DenyReason::PurposeNotOffered)
    );
}
