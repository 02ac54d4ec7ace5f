//! Parse, don't validate: raw partner-file text in, canonical typed values out.
//!
//! Each identifier (postcode, phone number, email, date of birth) is a newtype with private fields
//! that can only be built by its fallible `parse`, so holding one proves the value is canonical.
//! Free-text fields (names, titles, address lines) and small enumerations (yes/no flags, months)
//! are normalised by functions. Every error's message describes what is wrong *without* repeating
//! the value, and every type holding personal data redacts it in `Debug`, so neither can leak a
//! value into logs or quarantine reports.

mod dob;
mod email;
mod flag;
mod name;
mod phone;
mod postcode;

pub use dob::{DateError, DateOfBirth, DobError, Implausibility, parse_civil_date, parse_date};
pub use email::{Email, EmailError};
pub use flag::{FlagError, MonthError, parse_flag, parse_month};
pub use name::{NameError, normalise_address_line, normalise_name, normalise_title};
pub use phone::{PhoneError, PhoneKind, PhoneNumber};
pub use postcode::{Postcode, PostcodeError};

/// Trims, NFC-normalises and collapses every run of whitespace into one ASCII space.
fn collapse_whitespace(raw: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let composed: String = raw.nfc().collect();
    composed.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::collapse_whitespace;

    #[test]
    fn whitespace_runs_collapse_to_single_spaces_and_ends_are_trimmed() {
        assert_eq!(collapse_whitespace("  a \t b\u{a0}\n c  "), "a b c");
    }

    #[test]
    fn decomposed_accents_are_composed() {
        assert_eq!(collapse_whitespace("Jose\u{301}"), "Jos\u{e9}");
    }
}
