//! Telephone numbers, parsed with libphonenumber's metadata (default region GB) and stored as E.164.
//!
//! Accepts the usual ways a UK number is written (`07911 123456`, `+44 7911 123456`,
//! `447911123456`, `0044 7911 123456`, with spaces, dashes, dots or brackets) and international
//! numbers with a `+` or `00` prefix. The number must be *valid* for its country according to the
//! library, not merely of a plausible length. Whether it is a mobile or a landline comes from the
//! library's number type, never from the column the number was found in.
//!
//! One deliberate exception: Ofcom reserves 07700 900000 to 07700 900999 for drama and fiction,
//! and libphonenumber treats that range as unallocated. Synthetic data and tests use it precisely
//! because it can never reach a real person, so it is accepted here as a mobile range.

use std::fmt;

use phonenumber::{Mode, Type, country::Id, metadata::DATABASE};

/// Most digits any E.164 number can have, plus generous room for formatting characters.
const MAX_INPUT_CHARS: usize = 40;
/// The national significant number prefix of Ofcom's drama mobile range, 07700 900xxx.
const OFCOM_DRAMA_MOBILE_PREFIX: &str = "7700900";

/// What kind of line a number is, as far as the numbering plan can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PhoneKind {
    Mobile,
    Landline,
    /// Anything else: VoIP, personal numbering, non-geographic, freephone, premium rate, pagers...
    Other,
}

/// Why a string is not a usable phone number. Messages never repeat the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("phone number is blank")]
    Empty,
    #[error("phone number may contain only digits, spaces, dashes, dots, brackets and a leading +")]
    InvalidCharacters,
    #[error("phone number is too long")]
    TooLong,
    #[error("not recognisable as a phone number")]
    Unparseable,
    #[error("not a valid number in its country's numbering plan")]
    NotValid,
}

/// A valid telephone number in E.164 form (`+447911123456`) with its kind.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PhoneNumber {
    e164: String,
    kind: PhoneKind,
}

impl PhoneNumber {
    /// Parses a number written in any common UK or international style.
    pub fn parse(raw: &str) -> Result<PhoneNumber, PhoneError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        if trimmed.chars().count() > MAX_INPUT_CHARS {
            return Err(PhoneError::TooLong);
        }
        // Letters are refused outright: the library would otherwise read "vanity" numbers
        // (0800 FLOWERS) or stray words as digits or extensions.
        let allowed = |(i, c): (usize, char)| {
            c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')') || (c == '+' && i == 0)
        };
        if !trimmed.char_indices().all(allowed) {
            return Err(PhoneError::InvalidCharacters);
        }
        let number = phonenumber::parse(Some(Id::GB), trimmed).map_err(|_| PhoneError::Unparseable)?;
        let national = number.national().value().to_string();
        let country_code = number.code().value();
        let is_drama_range =
            country_code == 44 && national.len() == 10 && national.starts_with(OFCOM_DRAMA_MOBILE_PREFIX);
        let kind = if is_drama_range {
            PhoneKind::Mobile
        } else if number.is_valid_with(&DATABASE) {
            match number.number_type(&DATABASE) {
                Type::Mobile => PhoneKind::Mobile,
                Type::FixedLine => PhoneKind::Landline,
                // The UK numbering plan always tells the two apart; elsewhere (e.g. North America)
                // it cannot, and a geographic-looking number is most usefully treated as a landline.
                Type::FixedLineOrMobile if country_code == 44 && national.starts_with('7') => PhoneKind::Mobile,
                Type::FixedLineOrMobile => PhoneKind::Landline,
                _ => PhoneKind::Other,
            }
        } else {
            return Err(PhoneError::NotValid);
        };
        let e164 = number.format().mode(Mode::E164).to_string();
        Ok(PhoneNumber { e164, kind })
    }

    /// The number in E.164 form, e.g. "+447911123456".
    pub fn e164(&self) -> &str {
        &self.e164
    }

    /// Mobile, landline or other, according to the numbering plan.
    pub fn kind(&self) -> PhoneKind {
        self.kind
    }
}

impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber(<redacted>, {:?})", self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(raw: &str) -> PhoneNumber {
        PhoneNumber::parse(raw).unwrap_or_else(|e| panic!("{raw:?} should parse: {e}"))
    }

    #[test]
    fn uk_mobile_written_nationally_is_stored_as_e164() {
        let p = phone("07911 123456");
        assert_eq!(p.e164(), "+447911123456");
        assert_eq!(p.kind(), PhoneKind::Mobile);
    }

    #[test]
    fn every_common_way_of_writing_a_uk_mobile_gives_the_same_number() {
        for raw in [
            "07911123456",
            "+447911123456",
            "+44 7911 123456",
            "447911123456",
            "00447911123456",
            "0044 7911 123 456",
            "07911-123-456",
            "(07911) 123456",
            "+44 (0)7911 123456",
            "07911.123.456",
            "  07911 123456  ",
        ] {
            assert_eq!(phone(raw).e164(), "+447911123456", "{raw}");
        }
    }

    #[test]
    fn london_number_is_a_landline() {
        let p = phone("020 7946 0018");
        assert_eq!(p.e164(), "+442079460018");
        assert_eq!(p.kind(), PhoneKind::Landline);
    }

    #[test]
    fn geographic_number_outside_london_is_a_landline() {
        assert_eq!(phone("0117 496 0123").kind(), PhoneKind::Landline);
    }

    #[test]
    fn ofcom_drama_mobile_range_is_accepted_as_mobile() {
        let p = phone("07700 900123");
        assert_eq!(p.e164(), "+447700900123");
        assert_eq!(p.kind(), PhoneKind::Mobile);
        assert_eq!(phone("+447700900999").kind(), PhoneKind::Mobile);
    }

    #[test]
    fn numbers_just_outside_the_drama_range_are_still_checked_by_the_library() {
        assert_eq!(PhoneNumber::parse("07700 9001234"), Err(PhoneError::NotValid));
        assert_eq!(PhoneNumber::parse("07700 901123"), Err(PhoneError::NotValid));
    }

    #[test]
    fn voip_personal_freephone_and_premium_numbers_are_other() {
        for raw in ["056 1234 5678", "070 1123 4567", "0800 123 4567", "0909 879 0000"] {
            assert_eq!(phone(raw).kind(), PhoneKind::Other, "{raw}");
        }
    }

    #[test]
    fn north_american_number_that_could_be_either_is_a_landline() {
        let p = phone("+1 212 555 0123");
        assert_eq!(p.e164(), "+12125550123");
        assert_eq!(p.kind(), PhoneKind::Landline);
    }

    #[test]
    fn foreign_mobile_keeps_its_country_code() {
        let p = phone("+33 6 12 34 56 78");
        assert_eq!(p.e164(), "+33612345678");
        assert_eq!(p.kind(), PhoneKind::Mobile);
    }

    #[test]
    fn too_short_uk_number_is_not_valid() {
        assert_eq!(PhoneNumber::parse("07911 12345"), Err(PhoneError::NotValid));
    }

    #[test]
    fn too_long_uk_number_is_not_valid() {
        assert_eq!(PhoneNumber::parse("07911 1234567"), Err(PhoneError::NotValid));
    }

    #[test]
    fn letters_in_a_number_are_refused() {
        assert_eq!(PhoneNumber::parse("0800 FLOWERS"), Err(PhoneError::InvalidCharacters));
        assert_eq!(PhoneNumber::parse("07911 123456 ext"), Err(PhoneError::InvalidCharacters));
    }

    #[test]
    fn plus_sign_is_only_allowed_at_the_start() {
        assert_eq!(PhoneNumber::parse("44+7911123456"), Err(PhoneError::InvalidCharacters));
    }

    #[test]
    fn blank_number_is_empty() {
        assert_eq!(PhoneNumber::parse("  "), Err(PhoneError::Empty));
    }

    #[test]
    fn punctuation_without_digits_is_unparseable() {
        assert_eq!(PhoneNumber::parse("--"), Err(PhoneError::Unparseable));
    }

    #[test]
    fn absurdly_long_input_is_too_long() {
        let raw = "0".repeat(41);
        assert_eq!(PhoneNumber::parse(&raw), Err(PhoneError::TooLong));
    }

    #[test]
    fn debug_output_shows_the_kind_but_not_the_number() {
        let shown = format!("{:?}", phone("07911 123456"));
        assert_eq!(shown, "PhoneNumber(<redacted>, Mobile)");
    }
}
