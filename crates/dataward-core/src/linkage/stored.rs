//! The stored form of a [`MatchRecord`]: what a store keeps per source record so that it can
//! compare new records and queries with it without normalising the record's values again.
//!
//! The form is JSON of owned strings. Derived parts that point into static tables (the
//! nickname groups of a first name, the canonical suffix) are rebuilt on load, so the stored
//! form does not depend on the tables' layout. It holds personal data: a store writes it through
//! its value codec like any personal value.

use serde::{Deserialize, Serialize};

use super::nicknames::groups_of;
use super::normalise::{DobDigits, MatchAddress, MatchName, MatchPostcode};
use super::record::MatchRecord;

#[derive(Serialize, Deserialize)]
struct StoredName {
    #[serde(skip_serializing_if = "Option::is_none", default)]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    suffix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    first: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    first_compact: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    middle: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    surname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    surname_compact: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredAddress {
    flat: Option<String>,
    number: Option<String>,
    name: Option<String>,
    street: Option<String>,
    street_key: Option<String>,
    locality: Option<String>,
    locality_key: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct StoredPostcode {
    full: String,
    sector: Option<String>,
    district: Option<String>,
    area: Option<String>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    name: StoredName,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    dob: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    email: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    phones: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    landlines: Vec<String>,
    address: StoredAddress,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    town: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    postcode: Option<StoredPostcode>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    national_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    first_soundex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    surname_soundex: Option<String>,
}

/// A stored form that could not be read back.
#[derive(Debug, thiserror::Error)]
#[error("stored match record is unreadable: {0}")]
pub struct StoredFormError(String);

/// The canonical suffixes [`MatchName`] can hold.
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

impl MatchRecord {
    /// The stored form (JSON).
    pub fn to_stored(&self) -> String {
        let n = &self.name;
        let a = &self.address;
        let stored = Stored {
            name: StoredName {
                title: n.title.clone(),
                suffix: n.suffix.map(str::to_string),
                first: n.first.clone(),
                first_compact: n.first_compact.clone(),
                middle: n.middle.clone(),
                surname: n.surname.clone(),
                surname_compact: n.surname_compact.clone(),
            },
            dob: self.dob.as_ref().map(|d| d.as_str().to_string()),
            email: self.email.clone(),
            phones: self.phones.clone(),
            landlines: self.landlines.clone(),
            address: StoredAddress {
                flat: a.flat.clone(),
                number: a.number.clone(),
                name: a.name.clone(),
                street: a.street.clone(),
                street_key: a.street_key.clone(),
                locality: a.locality.clone(),
                locality_key: a.locality_key.clone(),
            },
            town: self.town.clone(),
            postcode: self.postcode.as_ref().map(|p| StoredPostcode {
                full: p.full.clone(),
                sector: p.sector.clone(),
                district: p.district.clone(),
                area: p.area.clone(),
            }),
            national_id: self.national_id.clone(),
            first_soundex: self.first_soundex.clone(),
            surname_soundex: self.surname_soundex.clone(),
        };
        serde_json::to_string(&stored).expect("a stored match record serialises")
    }

    /// Reads a stored form back.
    pub fn from_stored(text: &str) -> Result<MatchRecord, StoredFormError> {
        let s: Stored = serde_json::from_str(text).map_err(|e| StoredFormError(e.to_string()))?;
        let suffix = match s.name.suffix.as_deref() {
            None => None,
            Some(x) => Some(
                *SUFFIXES.iter().find(|&&k| k == x).ok_or_else(|| StoredFormError(format!("unknown suffix `{x}`")))?,
            ),
        };
        let dob = match s.dob.as_deref() {
            None => None,
            Some(d) => Some(DobDigits::parse(d).ok_or_else(|| StoredFormError("bad date of birth digits".into()))?),
        };
        let first_groups = s.name.first.as_deref().map(groups_of).unwrap_or(&[]);
        Ok(MatchRecord {
            name: MatchName {
                title: s.name.title,
                suffix,
                first: s.name.first,
                first_compact: s.name.first_compact,
                middle: s.name.middle,
                first_groups,
                surname: s.name.surname,
                surname_compact: s.name.surname_compact,
            },
            dob,
            email: s.email,
            phones: s.phones,
            landlines: s.landlines,
            address: MatchAddress {
                flat: s.address.flat,
                number: s.address.number,
                name: s.address.name,
                street: s.address.street,
                street_key: s.address.street_key,
                locality: s.address.locality,
                locality_key: s.address.locality_key,
            },
            town: s.town,
            postcode: s.postcode.map(|p| MatchPostcode {
                full: p.full,
                sector: p.sector,
                district: p.district,
                area: p.area,
            }),
            national_id: s.national_id,
            first_soundex: s.first_soundex,
            surname_soundex: s.surname_soundex,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::record::RecordParts;
    use super::*;

    #[test]
    fn a_record_survives_its_stored_form_unchanged() {
        let parts = RecordParts {
            title: Some("Dr"),
            first_name: Some("Bob"),
            middle_name: Some("James"),
            surname: Some("Smith-Jones Jnr"),
            date_of_birth: Some("1980-03-12"),
            email: Some("Bob.Smith+news@gmail.com"),
            phones: vec!["07700 900123", "0113 496 0000"],
            address_lines: vec!["Flat 3", "12 Oak Rd", "Headingley"],
            town: Some("Leeds"),
            postcode: Some("LS6 2AB"),
            national_id: Some("QQ 12 34 56 C"),
        };
        let record = MatchRecord::from_parts(&parts);
        assert!(record.name.suffix.is_some() && !record.name.first_groups.is_empty());
        let back = MatchRecord::from_stored(&record.to_stored()).unwrap();
        assert!(back == record, "round trip changed the record");
    }

    #[test]
    fn an_empty_record_round_trips_and_garbage_is_an_error() {
        let empty = MatchRecord::default();
        assert!(MatchRecord::from_stored(&empty.to_stored()).unwrap() == empty);
        assert!(MatchRecord::from_stored("{not json").is_err());
        let bad_dob = empty.to_stored().replacen('{', r#"{"dob":"19x0","#, 1);
        assert!(MatchRecord::from_stored(&bad_dob).is_err());
    }
}
