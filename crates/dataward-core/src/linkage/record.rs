//! `MatchRecord`: a record in the form the matcher compares, built from a `CleanRecord` or from
//! raw fields (a query, or a foreign data set such as FEBRL whose postcodes are not UK ones).

use super::normalise::{
    DobDigits, MatchAddress, MatchName, MatchPostcode, canonical_email, canonical_phone, compact, fold, soundex,
};
use crate::record::CleanRecord;

/// The comparable form of one record. Holds personal data: `Debug` is redacted.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MatchRecord {
    pub name: MatchName,
    pub dob: Option<DobDigits>,
    /// Canonical email (see [`canonical_email`]).
    pub email: Option<String>,
    /// Personal numbers (mobiles, and any number that is not a UK geographic landline): E.164,
    /// or digits when a number does not parse; without duplicates.
    pub phones: Vec<String>,
    /// Geographic landlines, E.164. Kept apart because a landline belongs to an address: a
    /// mover's new landline is part of the move, not a second disagreement.
    pub landlines: Vec<String>,
    pub address: MatchAddress,
    /// Folded town.
    pub town: Option<String>,
    pub postcode: Option<MatchPostcode>,
    /// A national identifier (e.g. a National Insurance number), compact and folded. Not held by
    /// partner records today; used by benchmarks whose data carries one.
    pub national_id: Option<String>,
    /// Soundex of the first name and of the joined-up surname, for blocking.
    pub first_soundex: Option<String>,
    pub surname_soundex: Option<String>,
}

impl std::fmt::Debug for MatchRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MatchRecord(<redacted>)")
    }
}

/// Raw fields of a record, each optional; blank text counts as absent. Nothing is validated:
/// values are only normalised for matching.
#[derive(Clone, Default)]
pub struct RecordParts<'a> {
    pub title: Option<&'a str>,
    pub first_name: Option<&'a str>,
    pub middle_name: Option<&'a str>,
    pub surname: Option<&'a str>,
    /// `YYYYMMDD`, `YYYY-MM-DD` or `DD/MM/YYYY`.
    pub date_of_birth: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phones: Vec<&'a str>,
    /// Address lines, most specific first ("Flat 3", "12 Oak Road", "Headingley").
    pub address_lines: Vec<&'a str>,
    pub town: Option<&'a str>,
    pub postcode: Option<&'a str>,
    pub national_id: Option<&'a str>,
}

impl std::fmt::Debug for RecordParts<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecordParts(<redacted>)")
    }
}

fn present(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

fn folded(s: Option<&str>) -> Option<String> {
    present(s).map(fold).filter(|s| !s.is_empty())
}

impl MatchRecord {
    /// The matching form of a clean partner record.
    pub fn from_clean(r: &CleanRecord) -> MatchRecord {
        let name = MatchName::new(r.title.as_deref(), Some(&r.first_name), r.middle_name.as_deref(), Some(&r.surname));
        let mut phones: Vec<String> = Vec::with_capacity(r.phones.len());
        let mut landlines: Vec<String> = Vec::new();
        for p in &r.phones {
            let list = if p.kind() == crate::normalise::PhoneKind::Landline { &mut landlines } else { &mut phones };
            if !list.iter().any(|q| q == p.e164()) {
                list.push(p.e164().to_string());
            }
        }
        MatchRecord {
            dob: r.date_of_birth.as_ref().map(|d| DobDigits::from_date(d.date())),
            email: r.email.as_ref().and_then(|e| canonical_email(e.as_str())),
            phones,
            landlines,
            address: MatchAddress::parse(r.address_lines.iter().map(String::as_str)),
            town: folded(r.town.as_deref()),
            postcode: r.postcode.as_ref().map(MatchPostcode::from_uk),
            national_id: None,
            ..MatchRecord::with_name(name)
        }
    }

    /// The matching form of raw fields.
    pub fn from_parts(p: &RecordParts<'_>) -> MatchRecord {
        let name = MatchName::new(present(p.title), present(p.first_name), present(p.middle_name), present(p.surname));
        let mut phones: Vec<String> = Vec::new();
        let mut landlines: Vec<String> = Vec::new();
        for raw in &p.phones {
            if let Some((phone, landline)) = present(Some(raw)).and_then(canonical_phone) {
                let list = if landline { &mut landlines } else { &mut phones };
                if !list.contains(&phone) {
                    list.push(phone);
                }
            }
        }
        MatchRecord {
            dob: present(p.date_of_birth).and_then(DobDigits::parse),
            email: present(p.email).and_then(canonical_email),
            phones,
            landlines,
            address: MatchAddress::parse(p.address_lines.iter().copied().filter(|l| !l.trim().is_empty())),
            town: folded(p.town),
            postcode: present(p.postcode).and_then(MatchPostcode::from_raw),
            national_id: folded(p.national_id).map(|s| compact(&s)),
            ..MatchRecord::with_name(name)
        }
    }

    fn with_name(name: MatchName) -> MatchRecord {
        MatchRecord {
            first_soundex: name.first_compact.as_deref().and_then(soundex),
            surname_soundex: name.surname_compact.as_deref().and_then(soundex),
            name,
            ..MatchRecord::default()
        }
    }

    /// Whether the record carries nothing a comparison could use.
    pub fn is_empty(&self) -> bool {
        self.name.first.is_none()
            && self.name.surname.is_none()
            && self.dob.is_none()
            && self.email.is_none()
            && self.phones.is_empty()
            && self.landlines.is_empty()
            && self.address.is_empty()
            && self.town.is_none()
            && self.postcode.is_none()
            && self.national_id.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::Field;
    use crate::record::clean_row;

    #[test]
    fn a_clean_record_becomes_its_matching_form() {
        let today = jiff::civil::date(2026, 1, 1);
        let row = [
            (Field::Title, "Mrs"),
            (Field::FirstName, "Zoë"),
            (Field::Surname, "Smith-Jones"),
            (Field::DateOfBirth, "04/03/1980"),
            (Field::Email, "Zoe.Smith+promo@googlemail.com"),
            (Field::Mobile, "07700 900123"),
            (Field::AddressLine(1), "Flat 3, 12 Oak Rd"),
            (Field::Town, "Leeds"),
            (Field::Postcode, "ls6 2ab"),
        ];
        let clean = clean_row(&row, today).unwrap();
        let m = MatchRecord::from_clean(&clean);
        assert_eq!(m.name.first.as_deref(), Some("zoe"));
        assert_eq!(m.name.title.as_deref(), Some("mrs"));
        assert_eq!(m.name.surname_compact.as_deref(), Some("smithjones"));
        assert_eq!(m.dob.unwrap().as_str(), "19800304");
        assert_eq!(m.email.as_deref(), Some("zoesmith@gmail.com"));
        assert_eq!(m.phones, vec!["+447700900123".to_string()]);
        assert_eq!(m.address.flat.as_deref(), Some("3"));
        assert_eq!(m.address.street.as_deref(), Some("oak road"));
        assert_eq!(m.town.as_deref(), Some("leeds"));
        assert_eq!(m.postcode.as_ref().unwrap().district.as_deref(), Some("LS6"));
        assert_eq!(m.surname_soundex.as_deref(), Some("S532"));
    }

    #[test]
    fn raw_parts_are_normalised_without_validation_and_blanks_are_absent() {
        let parts = RecordParts {
            first_name: Some("mitchell"),
            surname: Some(" "),
            date_of_birth: Some("19560409"),
            address_lines: vec!["7 wallaby place", "delmar"],
            town: Some("cleveland"),
            postcode: Some("2119"),
            national_id: Some("1804974"),
            ..RecordParts::default()
        };
        let m = MatchRecord::from_parts(&parts);
        assert_eq!(m.name.surname, None);
        assert_eq!(m.postcode.as_ref().unwrap().full, "2119");
        assert_eq!(m.address.number.as_deref(), Some("7"));
        assert_eq!(m.address.locality.as_deref(), Some("delmar"));
        assert_eq!(m.national_id.as_deref(), Some("1804974"));
        assert!(!m.is_empty());
        assert!(MatchRecord::from_parts(&RecordParts::default()).is_empty());
    }

    #[test]
    fn debug_output_never_shows_values() {
        let parts = RecordParts { first_name: Some("Secretname"), ..RecordParts::default() };
        let m = MatchRecord::from_parts(&parts);
        assert!(!format!("{m:?}").to_lowercase().contains("secretname"));
        assert!(!format!("{parts:?}").to_lowercase().contains("secretname"));
    }
}
