//! The fields a partner file can carry, each tied to a data category of the taxonomy.
//!
//! A `Field` is what a column *means*; `columns` decides which header names map to which field.

use crate::taxonomy::Category;

/// One meaning a partner-file column can have.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// The partner's own id for the record (kept as provenance, not personal data in itself).
    PartnerRecordId,
    Title,
    FirstName,
    MiddleName,
    Surname,
    DateOfBirth,
    Email,
    /// A number given in a column labelled as mobile.
    Mobile,
    /// A number given in a column labelled as landline / home phone.
    Landline,
    /// A number given in a column that does not say which kind it is.
    Phone,
    /// Address line 1..=4 (house number/name and street first).
    AddressLine(u8),
    Town,
    County,
    Postcode,
    /// A lifestyle or demographic attribute, by its normalised name (e.g. `homeowner`, `pets`).
    Lifestyle(String),
    /// Insurance renewal month, 1..=12.
    RenewalMonth,
    /// The children-present flag (a flag only, never data about the children).
    ChildrenPresent,
    /// Whether the partner captured consent for email marketing (host emailing).
    EmailMarketingConsent,
    /// When the partner collected the record.
    CollectedOn,
    /// A field of a category the deployment may never hold (credit score, health, ...).
    /// Its presence fails the whole file when the profile refuses the category.
    Forbidden(Category),
}

impl Field {
    /// The data category this field's values belong to, or `None` for provenance-only fields.
    pub fn category(&self) -> Option<Category> {
        use crate::taxonomy::categories as c;
        Some(match self {
            Field::PartnerRecordId | Field::EmailMarketingConsent | Field::CollectedOn => {
                return None;
            }
            Field::Title | Field::FirstName | Field::MiddleName | Field::Surname => c::NAME,
            Field::DateOfBirth => c::DATE_OF_BIRTH,
            Field::Email => c::EMAIL,
            Field::Mobile | Field::Landline | Field::Phone => c::PHONE,
            Field::AddressLine(_) | Field::Town | Field::County | Field::Postcode => c::ADDRESS,
            Field::Lifestyle(_) => c::LIFESTYLE,
            Field::RenewalMonth => c::INSURANCE_RENEWAL_MONTH,
            Field::ChildrenPresent => c::CHILDREN_PRESENT,
            Field::Forbidden(cat) => *cat,
        })
    }

    /// A stable snake_case name, used in quarantine reports and stored value rows.
    pub fn name(&self) -> String {
        match self {
            Field::PartnerRecordId => "partner_record_id".into(),
            Field::Title => "title".into(),
            Field::FirstName => "first_name".into(),
            Field::MiddleName => "middle_name".into(),
            Field::Surname => "surname".into(),
            Field::DateOfBirth => "date_of_birth".into(),
            Field::Email => "email".into(),
            Field::Mobile => "mobile".into(),
            Field::Landline => "landline".into(),
            Field::Phone => "phone".into(),
            Field::AddressLine(n) => format!("address_line_{n}"),
            Field::Town => "town".into(),
            Field::County => "county".into(),
            Field::Postcode => "postcode".into(),
            Field::Lifestyle(name) => format!("lifestyle.{name}"),
            Field::RenewalMonth => "insurance_renewal_month".into(),
            Field::ChildrenPresent => "children_present".into(),
            Field::EmailMarketingConsent => "email_marketing_consent".into(),
            Field::CollectedOn => "collected_on".into(),
            Field::Forbidden(cat) => format!("forbidden.{}", cat.as_str()),
        }
    }
}
