//! Every category × purpose cell of the data-broker profile, against the reference table of
//! DESIGN.md transcribed here by hand, for a person with no restriction, objection, suppression or
//! register entry, whose values come from an active partner that captured email consent.

use super::*;

/// Column order of the grids below.
const PURPOSES: [Purpose; 16] = [
    p::IDENTITY_VERIFICATION,
    p::FRAUD_PREVENTION,
    p::DEBT_RECOVERY,
    p::REVENUE_COLLECTION,
    p::TRACING,
    p::CREDIT_RISK,
    p::AFFORDABILITY_VULNERABILITY,
    p::DATA_ENHANCEMENT,
    p::CUSTOMER_ACQUISITION,
    p::MARKETING_POST,
    p::MARKETING_LIVE_CALL,
    p::MARKETING_EMAIL,
    p::MARKETING_SMS,
    p::MARKETING_AUTOMATED_CALL,
    p::DIGITAL_AUDIENCES,
    p::LAW_ENFORCEMENT,
];

const CATEGORIES: [Category; 8] = [
    c::ADDRESS,
    c::PHONE,
    c::EMAIL,
    c::DATE_OF_BIRTH,
    c::LIFESTYLE,
    c::INSURANCE_RENEWAL_MONTH,
    c::CHILDREN_PRESENT,
    c::NAME,
];

/// Allowed on consent.
const CO: Decision = Decision::Allow { basis: LawfulBasis::Consent };
/// No matrix cell.
const NP: Decision = Decision::Deny { reason: DenyReason::PurposeNotPermitted };
/// Explicitly excluded by the notice.
const PR: Decision = Decision::Deny { reason: DenyReason::PurposeProhibited };
/// Email marketing not sent by the consent-holding partner.
const CH: Decision = Decision::Deny { reason: DenyReason::NotConsentHolder };
/// Name with nothing else released.
const CN: Decision = Decision::Deny { reason: DenyReason::CompanionNotReleased };

/// A client receiving the values (trace, append, extract), rows in `CATEGORIES` order.
#[rustfmt::skip]
const TO_CLIENT: [[Decision; 16]; 8] = [
    //idv fraud debt rev trace credit afford enh acq post call email sms auto digi law
    [LI,  LI,   LI,  LI, LI,   NP,    NP,    NP, NP, LI,  NP,  NP,   NP, NP,  NP,  NP], // address
    [LI,  LI,   LI,  LI, LI,   NP,    NP,    NP, NP, NP,  LI,  NP,   PR, PR,  NP,  NP], // phone
    [LI,  LI,   LI,  LI, LI,   NP,    NP,    NP, LI, NP,  NP,  CH,   NP, NP,  NP,  NP], // email
    [LI,  NP,   NP,  NP, NP,   NP,    NP,    LI, LI, NP,  NP,  NP,   NP, NP,  NP,  NP], // date of birth
    [NP,  NP,   NP,  NP, NP,   NP,    NP,    LI, LI, NP,  NP,  NP,   NP, NP,  NP,  NP], // lifestyle
    [NP,  NP,   NP,  NP, NP,   NP,    NP,    NP, LI, NP,  NP,  NP,   NP, NP,  NP,  NP], // renewal month
    [NP,  NP,   NP,  NP, NP,   NP,    NP,    LI, NP, NP,  NP,  NP,   NP, NP,  NP,  NP], // children flag
    [LI,  LI,   LI,  LI, LI,   CN,    CN,    LI, LI, LI,  LI,  CN,   CN, CN,  CN,  CN], // name
];

/// Host emailing by the partner that holds the consent, with an unsubscribe link.
#[rustfmt::skip]
const HOSTED: [[Decision; 16]; 8] = [
    //idv fraud debt rev trace credit afford enh acq post call email sms auto digi law
    [LI,  LI,   LI,  LI, LI,   NP,    NP,    NP, NP, LI,  NP,  NP,   NP, NP,  NP,  NP], // address
    [LI,  LI,   LI,  LI, LI,   NP,    NP,    NP, NP, NP,  LI,  NP,   PR, PR,  NP,  NP], // phone
    [LI,  LI,   LI,  LI, LI,   NP,    NP,    NP, LI, NP,  NP,  CO,   NP, NP,  NP,  NP], // email
    [LI,  NP,   NP,  NP, NP,   NP,    NP,    LI, LI, NP,  NP,  NP,   NP, NP,  NP,  NP], // date of birth
    [NP,  NP,   NP,  NP, NP,   NP,    NP,    LI, LI, NP,  NP,  NP,   NP, NP,  NP,  NP], // lifestyle
    [NP,  NP,   NP,  NP, NP,   NP,    NP,    NP, LI, NP,  NP,  NP,   NP, NP,  NP,  NP], // renewal month
    [NP,  NP,   NP,  NP, NP,   NP,    NP,    LI, NP, NP,  NP,  NP,   NP, NP,  NP,  NP], // children flag
    [LI,  LI,   LI,  LI, LI,   CN,    CN,    LI, LI, LI,  LI,  CO,   CN, CN,  CN,  CN], // name
];

/// Decides one whole person (a value of every category) for every purpose and compares the row of
/// `category` with the grid, listing every wrong cell.
fn assert_row(grid: &[[Decision; 16]; 8], category: Category, hosted: bool) {
    let profile = broker();
    let contract = everything();
    let row = CATEGORIES.iter().position(|k| *k == category).unwrap();
    let person: Vec<ValueFacts<'_>> = CATEGORIES.iter().map(|k| value(*k)).collect();
    let mut wrong = Vec::new();
    for (col, purpose) in PURPOSES.iter().enumerate() {
        let request = if hosted {
            Request::host_emailing(*purpose, &contract, PARTNER)
        } else {
            Request::to_client(*purpose, &contract)
        };
        let got = decide_person(&profile, &request, &clean(), &person)[row].decision;
        if got != grid[row][col] {
            wrong.push(format!("{category} × {purpose}: expected {:?}, got {got:?}", grid[row][col]));
        }
    }
    assert!(wrong.is_empty(), "{} wrong cells:\n{}", wrong.len(), wrong.join("\n"));
}

#[test]
fn the_grids_cover_exactly_what_the_broker_holds_and_offers() {
    let profile = broker();
    let mut held = profile.held.clone();
    held.sort();
    let mut ours = CATEGORIES.to_vec();
    ours.sort();
    assert_eq!(ours, held);
    let mut offered = profile.purposes.clone();
    offered.sort();
    let mut columns = PURPOSES.to_vec();
    columns.sort();
    assert_eq!(columns, offered);
}

#[test]
fn postal_address_goes_to_the_five_checks_and_to_postal_marketing_only() {
    assert_row(&TO_CLIENT, c::ADDRESS, false);
    assert_row(&HOSTED, c::ADDRESS, true);
}

#[test]
fn phone_goes_to_the_five_checks_and_live_calls_and_never_to_sms_or_automated_calls() {
    assert_row(&TO_CLIENT, c::PHONE, false);
    assert_row(&HOSTED, c::PHONE, true);
}

#[test]
fn email_goes_to_the_five_checks_and_acquisition_and_to_marketing_only_by_host_emailing() {
    assert_row(&TO_CLIENT, c::EMAIL, false);
    assert_row(&HOSTED, c::EMAIL, true);
}

#[test]
fn date_of_birth_goes_to_identity_verification_enhancement_and_acquisition() {
    assert_row(&TO_CLIENT, c::DATE_OF_BIRTH, false);
    assert_row(&HOSTED, c::DATE_OF_BIRTH, true);
}

#[test]
fn lifestyle_goes_to_enhancement_and_acquisition() {
    assert_row(&TO_CLIENT, c::LIFESTYLE, false);
    assert_row(&HOSTED, c::LIFESTYLE, true);
}

#[test]
fn insurance_renewal_month_goes_to_customer_acquisition_only() {
    assert_row(&TO_CLIENT, c::INSURANCE_RENEWAL_MONTH, false);
    assert_row(&HOSTED, c::INSURANCE_RENEWAL_MONTH, true);
}

#[test]
fn children_present_flag_goes_to_data_enhancement_only() {
    assert_row(&TO_CLIENT, c::CHILDREN_PRESENT, false);
    assert_row(&HOSTED, c::CHILDREN_PRESENT, true);
}

#[test]
fn name_goes_wherever_another_category_goes_on_its_basis() {
    assert_row(&TO_CLIENT, c::NAME, false);
    assert_row(&HOSTED, c::NAME, true);
}

#[test]
fn credit_risk_affordability_digital_audiences_and_law_enforcement_release_nothing() {
    // Offered by the profile but given no cell in the reference table.
    for purpose in [p::CREDIT_RISK, p::AFFORDABILITY_VULNERABILITY, p::DIGITAL_AUDIENCES, p::LAW_ENFORCEMENT] {
        for category in CATEGORIES {
            assert!(!to_client(purpose, &clean(), &value(category)).is_allow(), "{category} × {purpose}");
        }
    }
}
