//! Noise and defects: the harmless variations real partner files carry (typos, nicknames, case,
//! swapped day and month, missing optional values) and the faults a validator must reject, each
//! recorded so that tests can check the validator caught it.

use jiff::civil::Date;
use rand::{Rng, RngExt};

use super::places::INWARD_LETTERS;
use super::{add_days, pick};
use crate::quarantine::QuarantineReason;

/// Share of rows that carry a [`Defect`].
pub const DEFECT_RATE: f64 = 0.01;
/// Share of rows with a typo in the first name or surname.
pub const TYPO_RATE: f64 = 0.03;
/// Share of rows giving a nickname instead of the first name (when the name has one).
pub const NICKNAME_RATE: f64 = 0.02;
/// Share of rows whose date of birth has day and month swapped (only when still a valid date).
pub const DOB_SWAP_RATE: f64 = 0.02;

/// A fault injected into a row that a validator must catch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Defect {
    /// A postcode breaking the UK format rules (`LS6 2CO`, `QX1 1AA`, an outward code alone).
    InvalidPostcode,
    /// An email without `@`, without a domain, or with a domain without a dot.
    InvalidEmail,
    /// A date of birth that does not exist (`31/02/1985`).
    ImpossibleDate,
    /// The surname left blank.
    BlankSurname,
    /// A date of birth making the person under 16.
    UnderAge,
    /// A phone number too short to be one (`0770090`).
    UnparseablePhone,
    /// A renewal month of 13.
    InvalidRenewalMonth,
    /// A CSV row with one field more than the header.
    WrongFieldCount,
    /// A JSON Lines row that is not valid JSON.
    MalformedJson,
}

impl Defect {
    pub const ALL: [Defect; 9] = [
        Defect::InvalidPostcode,
        Defect::InvalidEmail,
        Defect::ImpossibleDate,
        Defect::BlankSurname,
        Defect::UnderAge,
        Defect::UnparseablePhone,
        Defect::InvalidRenewalMonth,
        Defect::WrongFieldCount,
        Defect::MalformedJson,
    ];

    /// The code written in the truth output: the code of [`Self::expected_reason`], so that a
    /// validator's quarantine reasons compare directly with it.
    pub fn code(self) -> &'static str {
        self.expected_reason().code()
    }

    /// The defect with the given [`Self::code`].
    pub fn from_code(code: &str) -> Option<Defect> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The quarantine reason a correct validator gives the row.
    pub fn expected_reason(self) -> QuarantineReason {
        match self {
            Defect::InvalidPostcode => QuarantineReason::InvalidPostcode,
            Defect::InvalidEmail => QuarantineReason::InvalidEmail,
            Defect::ImpossibleDate => QuarantineReason::InvalidDateOfBirth,
            Defect::BlankSurname => QuarantineReason::MissingName,
            Defect::UnderAge => QuarantineReason::UnderAge,
            Defect::UnparseablePhone => QuarantineReason::InvalidPhone,
            Defect::InvalidRenewalMonth => QuarantineReason::InvalidRenewalMonth,
            Defect::WrongFieldCount => QuarantineReason::WrongFieldCount,
            Defect::MalformedJson => QuarantineReason::MalformedJson,
        }
    }
}

impl std::fmt::Display for Defect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A typo: two adjacent letters transposed, or one letter dropped. Names shorter than four
/// letters are left alone so that a typo never blanks or guts a name.
pub fn typo<R: Rng + ?Sized>(rng: &mut R, name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 4 {
        return name.to_string();
    }
    // Transposable pairs: two different letters.
    let pairs: Vec<usize> = (0..chars.len() - 1)
        .filter(|&i| chars[i].is_alphabetic() && chars[i + 1].is_alphabetic() && chars[i] != chars[i + 1])
        .collect();
    let mut out = chars.clone();
    if !pairs.is_empty() && rng.random_bool(0.5) {
        let i = pick(rng, &pairs);
        out.swap(i, i + 1);
    } else {
        // Drop a letter other than the first.
        let i = rng.random_range(1..chars.len() as u32) as usize;
        out.remove(i);
    }
    out.into_iter().collect()
}

/// An invalid postcode derived from a valid one.
pub fn invalid_postcode<R: Rng + ?Sized>(rng: &mut R, canonical: &str) -> String {
    let (outward, inward) = canonical.split_once(' ').unwrap_or((canonical, "1AA"));
    let good = INWARD_LETTERS[rng.random_range(0..INWARD_LETTERS.len() as u32) as usize] as char;
    match rng.random_range(0..4u32) {
        // Inward letters never used: C, I, K, M, O, V.
        0 => {
            let bad = pick(rng, &['C', 'I', 'K', 'M', 'O', 'V']);
            format!("{outward} {}{bad}{good}", &inward[..1])
        }
        // Q, V and X never start a postcode.
        1 => format!("{}X{} {}", pick(rng, &['Q', 'V', 'X']), rng.random_range(1..10u8), inward),
        // The outward code alone.
        2 => outward.to_string(),
        // Digits where the inward letters go.
        _ => format!("{outward} {}{}", &inward[..1], rng.random_range(10..100u8)),
    }
}

/// An invalid form of an email address.
pub fn invalid_email<R: Rng + ?Sized>(rng: &mut R, email: &str) -> String {
    let (local, domain) = email.split_once('@').unwrap_or((email, "gmail.com"));
    match rng.random_range(0..3u32) {
        0 => format!("{local}{domain}"),
        1 => format!("{local}@"),
        _ => format!("{local}@{}", domain.split('.').next().unwrap_or(domain)),
    }
}

/// A phone number cut short: too few digits to be any UK number.
pub fn unparseable_phone<R: Rng + ?Sized>(rng: &mut R, national: &str) -> String {
    let keep = rng.random_range(5..=7u32) as usize;
    national.chars().take(keep).collect()
}

/// A day that does not exist, as (year, month, day): 30 or 31 February, or 31 of a 30-day month.
pub fn impossible_date<R: Rng + ?Sized>(rng: &mut R, year: i16) -> (i16, i8, i8) {
    match rng.random_range(0..3u32) {
        0 => (year, 2, 31),
        1 => (year, 2, 30),
        _ => (year, pick(rng, &[4i8, 6, 9, 11]), 31),
    }
}

/// A date of birth making the person between 5 and 15 on `today` (so at least 2 on any
/// collection date of the last three years).
pub fn under_age_dob<R: Rng + ?Sized>(rng: &mut R, today: Date) -> Date {
    // 16 years before today is at least 5,843 days; 5 years at most 1,827.
    add_days(today, -rng.random_range(1_900..5_800i64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn a_typo_changes_the_name_without_blanking_it() {
        let mut rng = rand_chacha::ChaCha8Rng::from_seed([3; 32]);
        for name in ["Elizabeth", "Smith", "Anne", "O'Brien", "Smith-Jones", "Llewellyn"] {
            for _ in 0..50 {
                let t = typo(&mut rng, name);
                assert_ne!(t, name);
                assert!(t.chars().count() >= name.chars().count() - 1 && !t.is_empty());
            }
        }
        assert_eq!(typo(&mut rng, "Ann"), "Ann");
    }

    #[test]
    fn defect_codes_round_trip_and_name_quarantine_reasons() {
        for d in Defect::ALL {
            assert_eq!(Defect::from_code(d.code()), Some(d));
            assert_eq!(QuarantineReason::from_code(d.code()), Some(d.expected_reason()));
        }
        assert_eq!(Defect::BlankSurname.code(), "missing_name");
    }

    #[test]
    fn every_defect_maps_to_a_distinct_quarantine_reason() {
        let mut reasons: Vec<_> = Defect::ALL.iter().map(|d| d.expected_reason()).collect();
        reasons.sort();
        reasons.dedup();
        assert_eq!(reasons.len(), Defect::ALL.len());
    }

    #[test]
    fn impossible_dates_do_not_exist() {
        let mut rng = rand_chacha::ChaCha8Rng::from_seed([4; 32]);
        for _ in 0..100 {
            let (y, m, d) = impossible_date(&mut rng, 1985);
            assert!(Date::new(y, m, d).is_err(), "{y}-{m}-{d}");
        }
    }

    #[test]
    fn invalid_emails_lack_an_at_sign_or_a_dotted_domain() {
        let mut rng = rand_chacha::ChaCha8Rng::from_seed([5; 32]);
        for _ in 0..100 {
            let e = invalid_email(&mut rng, "jane.smith12@yahoo.co.uk");
            let ok = e.split_once('@').is_some_and(|(l, d)| !l.is_empty() && d.contains('.'));
            assert!(!ok, "{e}");
        }
    }

    #[test]
    fn under_age_dates_of_birth_are_between_five_and_fifteen_years_ago() {
        let today = jiff::civil::date(2025, 3, 1);
        let mut rng = rand_chacha::ChaCha8Rng::from_seed([6; 32]);
        for _ in 0..500 {
            let dob = under_age_dob(&mut rng, today);
            assert!(dob > jiff::civil::date(2009, 3, 1) && dob < jiff::civil::date(2020, 3, 1), "{dob}");
        }
    }
}
