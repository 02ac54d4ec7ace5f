//! Who made a rights request: the details they gave to be found, the contact they prove control
//! of, and the corrections a rectification asks for. All of it is personal data: `Debug` redacts.

use serde::{Deserialize, Serialize};

use crate::linkage::{MatchRecord, RecordParts};
use crate::normalise::{Email, PhoneNumber, Postcode, normalise_address_line, normalise_name};

/// The contact a requester proves control of with a one-time code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Contact {
    Email(String),
    Phone(String),
}

impl Contact {
    pub fn kind(&self) -> &'static str {
        match self {
            Contact::Email(_) => "email",
            Contact::Phone(_) => "phone",
        }
    }
    pub fn value(&self) -> &str {
        match self {
            Contact::Email(v) | Contact::Phone(v) => v,
        }
    }
}

impl std::fmt::Debug for Contact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Contact({}, <redacted>)", self.kind())
    }
}

/// One correction a rectification asks for: a field and its right value (normalised).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub field: String,
    pub value: String,
}

impl std::fmt::Debug for Correction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Correction({}, <redacted>)", self.field)
    }
}

/// The fields a requester may correct, in the stored field names.
pub const CORRECTABLE_FIELDS: [&str; 8] =
    ["first_name", "surname", "date_of_birth", "email", "phone", "address_line_1", "town", "postcode"];

/// Why a requester's details were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequesterError {
    #[error("give your first name and surname")]
    MissingName,
    #[error("give an email address or a phone number we can send a code to")]
    MissingContact,
    #[error("`{0}` is not a valid email address")]
    BadEmail(String),
    #[error("that is not a valid phone number")]
    BadPhone,
    #[error("that is not a valid UK postcode")]
    BadPostcode,
    #[error("`{0}` cannot be corrected here")]
    UnknownField(String),
    #[error("the corrected {0} is not valid")]
    BadCorrection(String),
    #[error("a rectification needs at least one correction")]
    NothingToCorrect,
}

/// A requester's details as given (after normalisation).
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Requester {
    pub first_name: String,
    pub surname: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line_1: Option<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
    /// As given (`YYYY-MM-DD` or `DD/MM/YYYY`).
    pub date_of_birth: Option<String>,
    /// Anything else the requester wrote.
    pub details: String,
    pub corrections: Vec<Correction>,
}

impl std::fmt::Debug for Requester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Requester(<redacted>, {} corrections)", self.corrections.len())
    }
}

/// The raw form a portal, API or console submits.
#[derive(Clone, Default, Deserialize)]
pub struct RequesterForm {
    pub first_name: String,
    pub surname: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address_line_1: Option<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
    pub date_of_birth: Option<String>,
    pub details: Option<String>,
    /// `(field, value)` pairs for a rectification.
    pub corrections: Vec<(String, String)>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Requester {
    /// Checks and normalises a submitted form.
    pub fn from_form(form: &RequesterForm) -> Result<Requester, RequesterError> {
        let first_name = normalise_name(&form.first_name).ok().flatten().ok_or(RequesterError::MissingName)?;
        let surname = normalise_name(&form.surname).ok().flatten().ok_or(RequesterError::MissingName)?;
        let email = match given(&form.email) {
            Some(e) => Some(Email::parse(e).map_err(|_| RequesterError::BadEmail(e.to_string()))?.as_str().to_string()),
            None => None,
        };
        let phone = match given(&form.phone) {
            Some(p) => Some(PhoneNumber::parse(p).map_err(|_| RequesterError::BadPhone)?.e164().to_string()),
            None => None,
        };
        if email.is_none() && phone.is_none() {
            return Err(RequesterError::MissingContact);
        }
        let postcode = match given(&form.postcode) {
            Some(p) => Some(Postcode::parse(p).map_err(|_| RequesterError::BadPostcode)?.as_str().to_string()),
            None => None,
        };
        let corrections = form
            .corrections
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(field, value)| normalise_correction(field, value))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Requester {
            first_name,
            surname,
            email,
            phone,
            address_line_1: given(&form.address_line_1).and_then(normalise_address_line),
            town: given(&form.town).map(str::to_string),
            postcode,
            date_of_birth: given(&form.date_of_birth).map(str::to_string),
            details: form.details.as_deref().unwrap_or("").trim().to_string(),
            corrections,
        })
    }

    /// The contact the one-time code goes to: the email if given, else the phone.
    pub fn contact(&self) -> Contact {
        match (&self.email, &self.phone) {
            (Some(e), _) => Contact::Email(e.clone()),
            (None, Some(p)) => Contact::Phone(p.clone()),
            (None, None) => unreachable!("from_form requires a contact"),
        }
    }

    /// The requester as a query for the identity engine.
    pub fn match_record(&self) -> MatchRecord {
        MatchRecord::from_parts(&RecordParts {
            first_name: Some(&self.first_name),
            surname: Some(&self.surname),
            date_of_birth: self.date_of_birth.as_deref(),
            email: self.email.as_deref(),
            phones: self.phone.iter().map(String::as_str).collect(),
            address_lines: self.address_line_1.iter().map(String::as_str).collect(),
            town: self.town.as_deref(),
            postcode: self.postcode.as_deref(),
            ..RecordParts::default()
        })
    }
}

/// Checks a correction's field and normalises its value as ingest would.
pub fn normalise_correction(field: &str, value: &str) -> Result<Correction, RequesterError> {
    let bad = || RequesterError::BadCorrection(field.replace('_', " "));
    let value = value.trim();
    let value = match field {
        "first_name" | "surname" => normalise_name(value).ok().flatten().ok_or_else(bad)?,
        "email" => Email::parse(value).map_err(|_| bad())?.as_str().to_string(),
        "phone" => PhoneNumber::parse(value).map_err(|_| bad())?.e164().to_string(),
        "postcode" => Postcode::parse(value).map_err(|_| bad())?.as_str().to_string(),
        "address_line_1" => normalise_address_line(value).ok_or_else(bad)?,
        "town" if !value.is_empty() => value.to_string(),
        "date_of_birth" => crate::normalise::parse_date(value).map_err(|_| bad())?.to_string(),
        _ if !CORRECTABLE_FIELDS.contains(&field) => return Err(RequesterError::UnknownField(field.to_string())),
        _ => return Err(bad()),
    };
    Ok(Correction { field: field.to_string(), value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> RequesterForm {
        RequesterForm {
            first_name: " jane ".into(),
            surname: "O'NEILL".into(),
            email: Some("Jane.ONeill@Example.co.uk".into()),
            postcode: Some("sw1a1aa".into()),
            ..RequesterForm::default()
        }
    }

    #[test]
    fn a_form_is_normalised_and_its_email_becomes_the_contact() {
        let r = Requester::from_form(&form()).unwrap();
        assert_eq!(r.postcode.as_deref(), Some("SW1A 1AA"));
        assert_eq!(r.contact(), Contact::Email("jane.oneill@example.co.uk".into()));
        assert!(!format!("{r:?}").contains("oneill"));
    }

    #[test]
    fn a_requester_without_a_contact_or_name_is_refused_with_the_reason() {
        let mut f = form();
        f.email = None;
        assert_eq!(Requester::from_form(&f), Err(RequesterError::MissingContact));
        f.phone = Some("07700 900123".into());
        assert_eq!(Requester::from_form(&f).unwrap().contact(), Contact::Phone("+447700900123".into()));
        f.surname = "  ".into();
        assert_eq!(Requester::from_form(&f), Err(RequesterError::MissingName));
    }

    #[test]
    fn corrections_are_normalised_like_ingest_and_unknown_fields_refused() {
        assert_eq!(normalise_correction("postcode", "ls6 2aa").unwrap().value, "LS6 2AA");
        assert_eq!(normalise_correction("date_of_birth", "03/02/1980").unwrap().value, "1980-02-03");
        assert_eq!(
            normalise_correction("credit_score", "900"),
            Err(RequesterError::UnknownField("credit_score".into()))
        );
        assert!(matches!(normalise_correction("email", "not-an-email"), Err(RequesterError::BadCorrection(_))));
    }
}
