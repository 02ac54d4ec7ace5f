//! Turning one mapped row of a partner file into a clean record, or the reason it is quarantined.
//!
//! `clean_row` takes the row as (field, raw text) pairs in column order and normalises every value
//! with the `normalise` types. The first failure in column order decides the quarantine reason;
//! rules that concern the row as a whole (both names present, at least one identifier) are
//! checked after every column. A `Rejection`'s detail is a short explanation that never contains
//! the offending value, because quarantine reports are shown on screens and written to logs.

use std::fmt;

use jiff::civil::Date;

use crate::fields::Field;
use crate::normalise::{
    DateOfBirth, DobError, Email, FlagError, NameError, PhoneKind, PhoneNumber, Postcode, normalise_address_line,
    normalise_name, normalise_title, parse_date, parse_flag, parse_month,
};
use crate::quarantine::QuarantineReason;

/// The longest raw value (in characters, after trimming) accepted in any field.
pub const MAX_VALUE_CHARS: usize = 200;

/// A row that passed every rule, with every value in canonical form.
#[derive(Clone, PartialEq, Eq)]
pub struct CleanRecord {
    pub partner_record_id: Option<String>,
    pub title: Option<String>,
    pub first_name: String,
    pub middle_name: Option<String>,
    pub surname: String,
    pub date_of_birth: Option<DateOfBirth>,
    pub email: Option<Email>,
    /// Deduplicated by E.164 form, in column order.
    pub phones: Vec<PhoneNumber>,
    /// Address lines 1..=4 that are present, in line order.
    pub address_lines: Vec<String>,
    pub town: Option<String>,
    pub county: Option<String>,
    pub postcode: Option<Postcode>,
    /// (attribute name, trimmed value); blank values are skipped.
    pub lifestyle: Vec<(String, String)>,
    pub renewal_month: Option<u8>,
    pub children_present: Option<bool>,
    /// False when the column is absent or blank.
    pub email_marketing_consent: bool,
    pub collected_on: Option<Date>,
}

/// Why a row was quarantined: the field at fault (if any), the reason code and a value-free detail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}: {detail}")]
pub struct Rejection {
    pub field: Option<Field>,
    pub reason: QuarantineReason,
    pub detail: String,
}

impl Rejection {
    fn new(field: Option<Field>, reason: QuarantineReason, detail: impl ToString) -> Rejection {
        Rejection { field, reason, detail: detail.to_string() }
    }
}

/// One stored value of a clean record, in its normalised text form.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RecordValue {
    pub field: Field,
    pub value: String,
}

/// Cleans one row given as (field, raw value) pairs in column order. `today` is used for the
/// date-of-birth age rules and to refuse collection dates in the future.
///
/// When a single-valued field appears more than once, its first non-blank value is kept.
/// `Field::Forbidden` columns are ignored here (the file-level check refuses them).
pub fn clean_row(fields: &[(Field, &str)], today: Date) -> Result<CleanRecord, Rejection> {
    use QuarantineReason as R;

    let mut partner_record_id = None;
    let mut title = None;
    let mut first_name = None;
    let mut middle_name = None;
    let mut surname = None;
    let mut date_of_birth = None;
    let mut email = None;
    let mut phones: Vec<PhoneNumber> = Vec::new();
    let mut address_lines: Vec<(u8, String)> = Vec::new();
    let mut town = None;
    let mut county = None;
    let mut postcode = None;
    let mut lifestyle = Vec::new();
    let mut renewal_month = None;
    let mut children_present = None;
    let mut email_marketing_consent = None;
    let mut collected_on = None;

    for (field, raw) in fields {
        if matches!(field, Field::Forbidden(_)) {
            continue;
        }
        let value = raw.trim();
        let reject = |reason, detail: &dyn fmt::Display| Rejection::new(Some(field.clone()), reason, detail);
        if value.chars().count() > MAX_VALUE_CHARS {
            return Err(reject(R::ValueTooLong, &"value is longer than 200 characters"));
        }
        let name_error = |e: NameError| match e {
            NameError::TooLong => reject(R::ValueTooLong, &e),
            NameError::Invalid => reject(R::InvalidName, &e),
        };
        match field {
            Field::PartnerRecordId => {
                set_once(&mut partner_record_id, (!value.is_empty()).then(|| value.to_string()));
            }
            Field::Title => set_once(&mut title, normalise_title(value)),
            Field::FirstName | Field::Surname => {
                let which = if *field == Field::FirstName { "first name" } else { "surname" };
                let Some(name) = normalise_name(value).map_err(name_error)? else {
                    return Err(reject(R::MissingName, &format_args!("{which} is blank")));
                };
                let slot = if *field == Field::FirstName { &mut first_name } else { &mut surname };
                set_once(slot, Some(name));
            }
            Field::MiddleName => {
                set_once(&mut middle_name, normalise_name(value).map_err(name_error)?);
            }
            Field::DateOfBirth if !value.is_empty() => {
                let dob = DateOfBirth::parse(value, today).map_err(|e| {
                    let reason = match e {
                        DobError::Invalid(_) => R::InvalidDateOfBirth,
                        DobError::Implausible(_) => R::ImplausibleDateOfBirth,
                        DobError::UnderAge => R::UnderAge,
                    };
                    reject(reason, &e)
                })?;
                set_once(&mut date_of_birth, Some(dob));
            }
            Field::Email if !value.is_empty() => {
                let parsed = Email::parse(value).map_err(|e| reject(R::InvalidEmail, &e))?;
                set_once(&mut email, Some(parsed));
            }
            Field::Mobile | Field::Landline | Field::Phone if !value.is_empty() => {
                let phone = PhoneNumber::parse(value).map_err(|e| reject(R::InvalidPhone, &e))?;
                if !phones.iter().any(|p| p.e164() == phone.e164()) {
                    phones.push(phone);
                }
            }
            Field::AddressLine(n) => {
                if let Some(line) = normalise_address_line(value) {
                    address_lines.push((*n, line));
                }
            }
            Field::Town => set_once(&mut town, normalise_address_line(value)),
            Field::County => set_once(&mut county, normalise_address_line(value)),
            Field::Postcode if !value.is_empty() => {
                let parsed = Postcode::parse(value).map_err(|e| reject(R::InvalidPostcode, &e))?;
                set_once(&mut postcode, Some(parsed));
            }
            Field::Lifestyle(name) if !value.is_empty() => {
                lifestyle.push((name.clone(), value.to_string()));
            }
            Field::RenewalMonth => {
                let month = parse_month(value).map_err(|e| reject(R::InvalidRenewalMonth, &e))?;
                set_once(&mut renewal_month, month);
            }
            Field::ChildrenPresent => {
                let flag = parse_flag(value).map_err(|e: FlagError| reject(R::InvalidFlag, &e))?;
                set_once(&mut children_present, flag);
            }
            Field::EmailMarketingConsent => {
                let flag = parse_flag(value).map_err(|e: FlagError| reject(R::InvalidFlag, &e))?;
                set_once(&mut email_marketing_consent, flag);
            }
            Field::CollectedOn if !value.is_empty() => {
                let date = parse_date(value).map_err(|e| reject(R::InvalidCollectionDate, &e))?;
                if date > today {
                    return Err(reject(R::InvalidCollectionDate, &"collection date is in the future"));
                }
                set_once(&mut collected_on, Some(date));
            }
            // Blank optional values, and forbidden fields (skipped above).
            _ => {}
        }
    }

    let missing =
        |field: Field, which: &str| Rejection::new(Some(field), R::MissingName, format_args!("{which} is missing"));
    let first_name = first_name.ok_or_else(|| missing(Field::FirstName, "first name"))?;
    let surname = surname.ok_or_else(|| missing(Field::Surname, "surname"))?;
    if email.is_none() && phones.is_empty() && postcode.is_none() && date_of_birth.is_none() {
        return Err(Rejection::new(
            None,
            R::NoIdentifier,
            "none of email, phone, postcode or date of birth is present",
        ));
    }
    address_lines.sort_by_key(|(n, _)| *n);

    Ok(CleanRecord {
        partner_record_id,
        title,
        first_name,
        middle_name,
        surname,
        date_of_birth,
        email,
        phones,
        address_lines: address_lines.into_iter().map(|(_, line)| line).collect(),
        town,
        county,
        postcode,
        lifestyle,
        renewal_month,
        children_present,
        email_marketing_consent: email_marketing_consent.unwrap_or(false),
        collected_on,
    })
}

/// Keeps the first value given for a single-valued field.
fn set_once<T>(slot: &mut Option<T>, value: Option<T>) {
    if slot.is_none() {
        *slot = value;
    }
}

impl CleanRecord {
    /// Every stored personal value in normalised text form, in a stable order. Provenance
    /// (partner record id, consent flag, collection date) is not included.
    ///
    /// Phones are labelled by their kind (`Mobile`, `Landline`, or `Phone` for anything else);
    /// address lines are numbered 1.. over the lines present.
    pub fn values(&self) -> Vec<RecordValue> {
        let mut out = Vec::new();
        let mut push = |field: Field, value: &str| {
            out.push(RecordValue { field, value: value.to_string() });
        };
        if let Some(title) = &self.title {
            push(Field::Title, title);
        }
        push(Field::FirstName, &self.first_name);
        if let Some(middle) = &self.middle_name {
            push(Field::MiddleName, middle);
        }
        push(Field::Surname, &self.surname);
        if let Some(dob) = &self.date_of_birth {
            push(Field::DateOfBirth, &dob.as_iso());
        }
        if let Some(email) = &self.email {
            push(Field::Email, email.as_str());
        }
        for phone in &self.phones {
            let field = match phone.kind() {
                PhoneKind::Mobile => Field::Mobile,
                PhoneKind::Landline => Field::Landline,
                PhoneKind::Other => Field::Phone,
            };
            push(field, phone.e164());
        }
        for (line, n) in self.address_lines.iter().zip(1u8..) {
            push(Field::AddressLine(n), line);
        }
        if let Some(town) = &self.town {
            push(Field::Town, town);
        }
        if let Some(county) = &self.county {
            push(Field::County, county);
        }
        if let Some(postcode) = &self.postcode {
            push(Field::Postcode, postcode.as_str());
        }
        for (name, value) in &self.lifestyle {
            push(Field::Lifestyle(name.clone()), value);
        }
        if let Some(month) = self.renewal_month {
            push(Field::RenewalMonth, &month.to_string());
        }
        if let Some(children) = self.children_present {
            push(Field::ChildrenPresent, if children { "true" } else { "false" });
        }
        out
    }
}

/// Shows whether an optional value is present, never the value.
struct Presence(bool);
impl fmt::Debug for Presence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "Some(<redacted>)" } else { "None" })
    }
}

/// Shows how many values a list holds, never the values.
struct Count(usize);
impl fmt::Debug for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[<{} redacted>]", self.0)
    }
}

impl fmt::Debug for CleanRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = Presence(true);
        f.debug_struct("CleanRecord")
            .field("partner_record_id", &Presence(self.partner_record_id.is_some()))
            .field("title", &Presence(self.title.is_some()))
            .field("first_name", &redacted)
            .field("middle_name", &Presence(self.middle_name.is_some()))
            .field("surname", &redacted)
            .field("date_of_birth", &Presence(self.date_of_birth.is_some()))
            .field("email", &Presence(self.email.is_some()))
            .field("phones", &Count(self.phones.len()))
            .field("address_lines", &Count(self.address_lines.len()))
            .field("town", &Presence(self.town.is_some()))
            .field("county", &Presence(self.county.is_some()))
            .field("postcode", &Presence(self.postcode.is_some()))
            .field("lifestyle", &Count(self.lifestyle.len()))
            .field("renewal_month", &Presence(self.renewal_month.is_some()))
            .field("children_present", &Presence(self.children_present.is_some()))
            .field("email_marketing_consent", &Presence(true))
            .field("collected_on", &Presence(self.collected_on.is_some()))
            .finish()
    }
}

impl fmt::Debug for RecordValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordValue").field("field", &self.field).field("value", &format_args!("<redacted>")).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quarantine::ALL_REASONS;
    use crate::taxonomy::categories;
    use jiff::civil::date;

    const TODAY: Date = date(2025, 6, 15);

    /// A minimal acceptable row: both names and one identifier.
    fn base() -> Vec<(Field, &'static str)> {
        vec![(Field::FirstName, "jane"), (Field::Surname, "doe"), (Field::Email, "jane.doe@example.com")]
    }

    fn with<'a>(extra: &[(Field, &'a str)]) -> Vec<(Field, &'a str)> {
        let mut row: Vec<(Field, &'a str)> = base();
        row.extend_from_slice(extra);
        row
    }

    fn clean(row: &[(Field, &str)]) -> CleanRecord {
        clean_row(row, TODAY).unwrap_or_else(|r| panic!("row should be clean: {r}"))
    }

    fn rejected(row: &[(Field, &str)]) -> Rejection {
        match clean_row(row, TODAY) {
            Ok(_) => panic!("row should be rejected"),
            Err(r) => r,
        }
    }

    fn assert_rejected(row: &[(Field, &str)], field: Option<Field>, reason: QuarantineReason) {
        let r = rejected(row);
        assert_eq!((r.field.clone(), r.reason), (field, reason), "detail: {}", r.detail);
        for (_, raw) in row {
            let raw = raw.trim();
            if raw.len() > 3 {
                assert!(!r.detail.contains(raw), "detail {:?} leaks a value", r.detail);
            }
        }
    }

    #[test]
    fn full_row_is_cleaned_into_canonical_values() {
        let row = [
            (Field::PartnerRecordId, "  P-001 "),
            (Field::Title, "mrs."),
            (Field::FirstName, "JANE"),
            (Field::MiddleName, "mary"),
            (Field::Surname, "o'brien"),
            (Field::DateOfBirth, "12/03/1980"),
            (Field::Email, "Jane.OBrien@Example.com"),
            (Field::Mobile, "07911 123456"),
            (Field::Landline, "020 7946 0018"),
            (Field::AddressLine(1), "12a high st"),
            (Field::AddressLine(2), "  "),
            (Field::Town, "LONDON"),
            (Field::County, "greater london"),
            (Field::Postcode, "sw1a1aa"),
            (Field::Lifestyle("pets".into()), " dog "),
            (Field::RenewalMonth, "march"),
            (Field::ChildrenPresent, "N"),
            (Field::EmailMarketingConsent, "opt-in"),
            (Field::CollectedOn, "2024-01-31"),
        ];
        let r = clean(&row);
        assert_eq!(r.partner_record_id.as_deref(), Some("P-001"));
        assert_eq!(r.title.as_deref(), Some("Mrs"));
        assert_eq!(r.first_name, "Jane");
        assert_eq!(r.middle_name.as_deref(), Some("Mary"));
        assert_eq!(r.surname, "O'Brien");
        assert_eq!(r.date_of_birth.map(|d| d.as_iso()).as_deref(), Some("1980-03-12"));
        assert_eq!(r.email.as_ref().map(Email::as_str), Some("jane.obrien@example.com"));
        let phones: Vec<_> = r.phones.iter().map(|p| (p.e164(), p.kind())).collect();
        assert_eq!(phones, [("+447911123456", PhoneKind::Mobile), ("+442079460018", PhoneKind::Landline)]);
        assert_eq!(r.address_lines, ["12A High St"]);
        assert_eq!(r.town.as_deref(), Some("London"));
        assert_eq!(r.county.as_deref(), Some("Greater London"));
        assert_eq!(r.postcode.as_ref().map(Postcode::as_str), Some("SW1A 1AA"));
        assert_eq!(r.lifestyle, [("pets".to_string(), "dog".to_string())]);
        assert_eq!(r.renewal_month, Some(3));
        assert_eq!(r.children_present, Some(false));
        assert!(r.email_marketing_consent);
        assert_eq!(r.collected_on, Some(date(2024, 1, 31)));
    }

    #[test]
    fn values_lists_every_stored_value_in_normalised_text_form() {
        let row = [
            (Field::Title, "dr"),
            (Field::FirstName, "jane"),
            (Field::MiddleName, "ann"),
            (Field::Surname, "doe"),
            (Field::DateOfBirth, "1980-03-12"),
            (Field::Email, "JANE@example.com"),
            (Field::Phone, "07911 123456"),
            (Field::Mobile, "020 7946 0018"),
            (Field::Landline, "0800 123 4567"),
            (Field::AddressLine(3), "flat 2"),
            (Field::AddressLine(1), "1 high st"),
            (Field::Town, "leeds"),
            (Field::County, "west yorkshire"),
            (Field::Postcode, "ls1 1ba"),
            (Field::Lifestyle("homeowner".into()), "yes"),
            (Field::RenewalMonth, "09"),
            (Field::ChildrenPresent, "yes"),
            (Field::EmailMarketingConsent, "no"),
            (Field::CollectedOn, "01/01/2024"),
        ];
        let values: Vec<(Field, String)> = clean(&row).values().into_iter().map(|v| (v.field, v.value)).collect();
        let expected: Vec<(Field, String)> = [
            (Field::Title, "Dr"),
            (Field::FirstName, "Jane"),
            (Field::MiddleName, "Ann"),
            (Field::Surname, "Doe"),
            (Field::DateOfBirth, "1980-03-12"),
            (Field::Email, "jane@example.com"),
            (Field::Mobile, "+447911123456"),
            (Field::Landline, "+442079460018"),
            (Field::Phone, "+448001234567"),
            (Field::AddressLine(1), "1 High St"),
            (Field::AddressLine(2), "Flat 2"),
            (Field::Town, "Leeds"),
            (Field::County, "West Yorkshire"),
            (Field::Postcode, "LS1 1BA"),
            (Field::Lifestyle("homeowner".into()), "yes"),
            (Field::RenewalMonth, "9"),
            (Field::ChildrenPresent, "true"),
        ]
        .into_iter()
        .map(|(f, v)| (f, v.to_string()))
        .collect();
        assert_eq!(values, expected);
    }

    #[test]
    fn values_of_a_minimal_record_are_just_names_and_the_identifier() {
        let fields: Vec<Field> = clean(&base()).values().into_iter().map(|v| v.field).collect();
        assert_eq!(fields, [Field::FirstName, Field::Surname, Field::Email]);
    }

    #[test]
    fn value_over_200_characters_is_value_too_long() {
        let long = "x".repeat(201);
        let row = [(Field::FirstName, "jane"), (Field::Lifestyle("notes".into()), long.as_str())];
        assert_rejected(&row, Some(Field::Lifestyle("notes".into())), QuarantineReason::ValueTooLong);
    }

    #[test]
    fn value_of_exactly_200_characters_is_accepted() {
        let long = "x".repeat(200);
        let mut row: Vec<(Field, &str)> = base().into_iter().collect();
        row.push((Field::Lifestyle("notes".into()), &long));
        assert_eq!(clean(&row).lifestyle[0].1.len(), 200);
    }

    #[test]
    fn name_between_100_and_200_characters_is_value_too_long() {
        let long = "a".repeat(150);
        let row = [(Field::FirstName, long.as_str()), (Field::Surname, "doe")];
        assert_rejected(&row, Some(Field::FirstName), QuarantineReason::ValueTooLong);
    }

    #[test]
    fn blank_first_name_is_missing_name() {
        let row = [(Field::FirstName, "  "), (Field::Surname, "doe"), (Field::Email, "j@x.com")];
        assert_rejected(&row, Some(Field::FirstName), QuarantineReason::MissingName);
    }

    #[test]
    fn row_without_a_surname_column_is_missing_name() {
        let row = [(Field::FirstName, "jane"), (Field::Email, "jane@example.com")];
        let r = rejected(&row);
        assert_eq!((r.field, r.reason), (Some(Field::Surname), QuarantineReason::MissingName));
        assert_eq!(r.detail, "surname is missing");
    }

    #[test]
    fn name_with_digits_is_invalid_name() {
        let row = [(Field::FirstName, "jane"), (Field::Surname, "D0e"), (Field::Email, "j@x.com")];
        assert_rejected(&row, Some(Field::Surname), QuarantineReason::InvalidName);
    }

    #[test]
    fn invalid_middle_name_is_invalid_name() {
        let row = with(&[(Field::MiddleName, "#1")]);
        assert_rejected(&row, Some(Field::MiddleName), QuarantineReason::InvalidName);
    }

    #[test]
    fn blank_middle_name_is_absent() {
        assert_eq!(clean(&with(&[(Field::MiddleName, " ")])).middle_name, None);
    }

    #[test]
    fn unknown_title_never_fails_and_is_title_cased() {
        let r = clean(&with(&[(Field::Title, "SQUADRON LEADER")]));
        assert_eq!(r.title.as_deref(), Some("Squadron Leader"));
    }

    #[test]
    fn bad_postcode_is_invalid_postcode() {
        let row = with(&[(Field::Postcode, "SW1A 1CA")]);
        assert_rejected(&row, Some(Field::Postcode), QuarantineReason::InvalidPostcode);
        assert!(rejected(&row).detail.starts_with("inward code"));
    }

    #[test]
    fn bad_phone_is_invalid_phone() {
        let row = with(&[(Field::Mobile, "07911 12345")]);
        assert_rejected(&row, Some(Field::Mobile), QuarantineReason::InvalidPhone);
    }

    #[test]
    fn bad_email_is_invalid_email() {
        let row = [(Field::FirstName, "jane"), (Field::Surname, "doe"), (Field::Email, "jane.doe@localhost")];
        assert_rejected(&row, Some(Field::Email), QuarantineReason::InvalidEmail);
    }

    #[test]
    fn impossible_date_of_birth_is_invalid_date_of_birth() {
        let row = with(&[(Field::DateOfBirth, "31/02/1980")]);
        assert_rejected(&row, Some(Field::DateOfBirth), QuarantineReason::InvalidDateOfBirth);
        assert_eq!(rejected(&row).detail, "31 February does not exist");
    }

    #[test]
    fn two_digit_year_of_birth_is_invalid_date_of_birth() {
        let row = with(&[(Field::DateOfBirth, "12/03/80")]);
        assert_rejected(&row, Some(Field::DateOfBirth), QuarantineReason::InvalidDateOfBirth);
    }

    #[test]
    fn future_date_of_birth_is_implausible() {
        let row = with(&[(Field::DateOfBirth, "2030-01-01")]);
        assert_rejected(&row, Some(Field::DateOfBirth), QuarantineReason::ImplausibleDateOfBirth);
    }

    #[test]
    fn date_of_birth_before_1900_is_implausible() {
        let row = with(&[(Field::DateOfBirth, "1899-12-31")]);
        assert_rejected(&row, Some(Field::DateOfBirth), QuarantineReason::ImplausibleDateOfBirth);
    }

    #[test]
    fn person_under_sixteen_is_under_age() {
        let row = with(&[(Field::DateOfBirth, "16/06/2009")]);
        assert_rejected(&row, Some(Field::DateOfBirth), QuarantineReason::UnderAge);
    }

    #[test]
    fn bad_renewal_month_is_invalid_renewal_month() {
        let row = with(&[(Field::RenewalMonth, "13")]);
        assert_rejected(&row, Some(Field::RenewalMonth), QuarantineReason::InvalidRenewalMonth);
    }

    #[test]
    fn bad_children_present_flag_is_invalid_flag() {
        let row = with(&[(Field::ChildrenPresent, "maybe")]);
        assert_rejected(&row, Some(Field::ChildrenPresent), QuarantineReason::InvalidFlag);
    }

    #[test]
    fn bad_consent_flag_is_invalid_flag() {
        let row = with(&[(Field::EmailMarketingConsent, "perhaps")]);
        assert_rejected(&row, Some(Field::EmailMarketingConsent), QuarantineReason::InvalidFlag);
    }

    #[test]
    fn unparseable_collection_date_is_invalid_collection_date() {
        let row = with(&[(Field::CollectedOn, "last tuesday")]);
        assert_rejected(&row, Some(Field::CollectedOn), QuarantineReason::InvalidCollectionDate);
    }

    #[test]
    fn future_collection_date_is_invalid_collection_date() {
        let row = with(&[(Field::CollectedOn, "16/06/2025")]);
        assert_rejected(&row, Some(Field::CollectedOn), QuarantineReason::InvalidCollectionDate);
        assert_eq!(rejected(&row).detail, "collection date is in the future");
        assert!(clean(&with(&[(Field::CollectedOn, "15/06/2025")])).collected_on.is_some());
    }

    #[test]
    fn row_with_names_but_no_identifier_is_no_identifier() {
        let row = [
            (Field::FirstName, "jane"),
            (Field::Surname, "doe"),
            (Field::AddressLine(1), "1 high street"),
            (Field::Email, " "),
        ];
        assert_rejected(&row, None, QuarantineReason::NoIdentifier);
    }

    #[test]
    fn each_identifier_alone_is_enough() {
        let names = [(Field::FirstName, "jane"), (Field::Surname, "doe")];
        for identifier in [
            (Field::Email, "jane@example.com"),
            (Field::Landline, "020 7946 0018"),
            (Field::Postcode, "M1 1AE"),
            (Field::DateOfBirth, "1970-01-01"),
        ] {
            let mut row = names.to_vec();
            row.push(identifier.clone());
            assert!(clean_row(&row, TODAY).is_ok(), "{:?}", identifier.0);
        }
    }

    #[test]
    fn first_failure_in_column_order_wins() {
        let email_first =
            [(Field::FirstName, "jane"), (Field::Email, "nope"), (Field::Postcode, "nope"), (Field::Surname, "doe")];
        assert_eq!(rejected(&email_first).reason, QuarantineReason::InvalidEmail);
        let postcode_first = [(Field::Postcode, "nope"), (Field::Email, "nope"), (Field::FirstName, "")];
        assert_eq!(rejected(&postcode_first).reason, QuarantineReason::InvalidPostcode);
        let blank_name_first = [(Field::FirstName, ""), (Field::Email, "nope")];
        assert_eq!(rejected(&blank_name_first).reason, QuarantineReason::MissingName);
    }

    #[test]
    fn phones_are_deduplicated_by_e164_in_column_order() {
        let row = with(&[
            (Field::Landline, "020 7946 0018"),
            (Field::Mobile, "07911 123456"),
            (Field::Phone, "+44 7911 123456"),
            (Field::Phone, "+44 20 7946 0018"),
            (Field::Phone, ""),
        ]);
        let e164: Vec<String> = clean(&row).phones.iter().map(|p| p.e164().to_string()).collect();
        assert_eq!(e164, ["+442079460018", "+447911123456"]);
    }

    #[test]
    fn phone_kind_comes_from_the_number_not_the_column() {
        let row = with(&[(Field::Mobile, "020 7946 0018"), (Field::Landline, "07911 123456")]);
        let kinds: Vec<PhoneKind> = clean(&row).phones.iter().map(PhoneNumber::kind).collect();
        assert_eq!(kinds, [PhoneKind::Landline, PhoneKind::Mobile]);
    }

    #[test]
    fn address_lines_are_kept_in_line_order_and_blanks_skipped() {
        let row = with(&[
            (Field::AddressLine(2), "the old mill"),
            (Field::AddressLine(1), "flat 3b"),
            (Field::AddressLine(3), ""),
            (Field::AddressLine(4), "mill lane"),
        ]);
        assert_eq!(clean(&row).address_lines, ["Flat 3B", "The Old Mill", "Mill Lane"]);
    }

    #[test]
    fn lifestyle_values_are_trimmed_and_blanks_skipped() {
        let row = with(&[
            (Field::Lifestyle("pets".into()), "  cat  "),
            (Field::Lifestyle("homeowner".into()), "   "),
            (Field::Lifestyle("hobby".into()), "golf"),
        ]);
        let lifestyle = clean(&row).lifestyle;
        assert_eq!(lifestyle, [("pets".into(), "cat".into()), ("hobby".into(), "golf".into())]);
    }

    #[test]
    fn partner_record_id_is_trimmed_and_blank_is_none() {
        assert_eq!(clean(&with(&[(Field::PartnerRecordId, " A1 ")])).partner_record_id.as_deref(), Some("A1"));
        assert_eq!(clean(&with(&[(Field::PartnerRecordId, "  ")])).partner_record_id, None);
    }

    #[test]
    fn email_marketing_consent_is_false_when_absent_or_blank() {
        assert!(!clean(&base()).email_marketing_consent);
        assert!(!clean(&with(&[(Field::EmailMarketingConsent, "")])).email_marketing_consent);
        assert!(clean(&with(&[(Field::EmailMarketingConsent, "Y")])).email_marketing_consent);
    }

    #[test]
    fn blank_optional_fields_are_absent_not_errors() {
        let r = clean(&with(&[
            (Field::DateOfBirth, ""),
            (Field::Postcode, " "),
            (Field::RenewalMonth, ""),
            (Field::ChildrenPresent, ""),
            (Field::CollectedOn, ""),
            (Field::Town, ""),
        ]));
        assert_eq!(
            (r.date_of_birth, r.postcode, r.renewal_month, r.children_present, r.collected_on, r.town),
            (None, None, None, None, None, None)
        );
    }

    #[test]
    fn forbidden_fields_are_ignored() {
        let long = "9".repeat(300);
        let row = with(&[(Field::Forbidden(categories::CREDIT_SCORE), long.as_str())]);
        assert_eq!(clean(&row).values().len(), 3);
    }

    #[test]
    fn first_non_blank_value_of_a_repeated_field_is_kept() {
        let row = with(&[(Field::Town, ""), (Field::Town, "york"), (Field::Town, "leeds")]);
        assert_eq!(clean(&row).town.as_deref(), Some("York"));
    }

    #[test]
    fn every_row_level_reason_can_be_produced_by_clean_row() {
        let file_level = [
            QuarantineReason::WrongFieldCount,
            QuarantineReason::MalformedJson,
            QuarantineReason::InvalidEncoding,
            QuarantineReason::DuplicateRecordId,
        ];
        let long = "x".repeat(201);
        let examples: Vec<Vec<(Field, &str)>> = vec![
            vec![(Field::FirstName, "")],
            vec![(Field::FirstName, "j4ne")],
            vec![(Field::FirstName, "jane"), (Field::Surname, "doe")],
            with(&[(Field::Postcode, "X1 1AA")]),
            with(&[(Field::Phone, "12")]),
            vec![(Field::Email, "x")],
            with(&[(Field::DateOfBirth, "soon")]),
            with(&[(Field::DateOfBirth, "01/01/1850")]),
            with(&[(Field::DateOfBirth, "01/01/2020")]),
            with(&[(Field::RenewalMonth, "0")]),
            with(&[(Field::ChildrenPresent, "2")]),
            with(&[(Field::CollectedOn, "tomorrow")]),
            vec![(Field::Town, long.as_str())],
        ];
        let produced: Vec<QuarantineReason> = examples.iter().map(|row| rejected(row).reason).collect();
        for reason in ALL_REASONS {
            let expected_here = !file_level.contains(&reason);
            assert_eq!(produced.contains(&reason), expected_here, "{reason}");
        }
    }

    #[test]
    fn debug_of_a_clean_record_shows_no_values() {
        let row = with(&[
            (Field::PartnerRecordId, "PARTNER-REF-77"),
            (Field::Mobile, "07911 123456"),
            (Field::Postcode, "SW1A 1AA"),
            (Field::DateOfBirth, "1980-03-12"),
            (Field::Lifestyle("pets".into()), "labrador"),
        ]);
        let shown = format!("{:?}", clean(&row));
        for secret in ["Jane", "Doe", "jane", "7911", "SW1A", "1980", "labrador", "PARTNER-REF"] {
            assert!(!shown.contains(secret), "{secret} leaked in {shown}");
        }
        assert!(shown.contains("phones: [<1 redacted>]"), "{shown}");
    }

    #[test]
    fn debug_of_a_record_value_shows_the_field_but_not_the_value() {
        let value = &clean(&base()).values()[2];
        let shown = format!("{value:?}");
        assert_eq!(shown, "RecordValue { field: Email, value: <redacted> }");
    }

    #[test]
    fn rejection_display_gives_code_and_detail() {
        let r = rejected(&with(&[(Field::RenewalMonth, "13")]));
        assert_eq!(r.to_string(), "invalid_renewal_month: expected a month as 1 to 12 or its English name");
    }
}
