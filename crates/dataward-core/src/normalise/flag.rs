//! Yes/no flags and months of the year, in the many ways partner files spell them.

use super::collapse_whitespace;
use super::dob::month_from_name;

/// A value in a yes/no column that is neither. The message never repeats the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("expected yes/no, true/false, 1/0 or opt-in/opt-out")]
pub struct FlagError;

/// A value in a month column that is not a month. The message never repeats the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("expected a month as 1 to 12 or its English name")]
pub struct MonthError;

/// Parses a yes/no flag (case-insensitive); `Ok(None)` when blank.
///
/// True: y, yes, true, t, 1, opt-in, optin, opted in. False: n, no, false, f, 0, opt-out,
/// optout, opted out.
pub fn parse_flag(raw: &str) -> Result<Option<bool>, FlagError> {
    let key = collapse_whitespace(raw).to_lowercase();
    match key.as_str() {
        "" => Ok(None),
        "y" | "yes" | "true" | "t" | "1" | "opt-in" | "optin" | "opted in" | "opt in" => Ok(Some(true)),
        "n" | "no" | "false" | "f" | "0" | "opt-out" | "optout" | "opted out" | "opt out" => Ok(Some(false)),
        _ => Err(FlagError),
    }
}

/// Parses a month as 1..=12 (optionally zero-padded) or an English name or abbreviation;
/// `Ok(None)` when blank.
pub fn parse_month(raw: &str) -> Result<Option<u8>, MonthError> {
    let key = raw.trim();
    if key.is_empty() {
        return Ok(None);
    }
    if key.len() <= 2 && key.bytes().all(|b| b.is_ascii_digit()) {
        return match key.parse::<u8>() {
            Ok(month @ 1..=12) => Ok(Some(month)),
            _ => Err(MonthError),
        };
    }
    month_from_name(key).map(Some).ok_or(MonthError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_true_spelling_is_true() {
        for raw in ["y", "YES", "True", "t", "1", "Opt-In", "optin", "opted in", " Y "] {
            assert_eq!(parse_flag(raw), Ok(Some(true)), "{raw}");
        }
    }

    #[test]
    fn every_false_spelling_is_false() {
        for raw in ["n", "No", "FALSE", "f", "0", "opt-out", "OptOut", "opted out"] {
            assert_eq!(parse_flag(raw), Ok(Some(false)), "{raw}");
        }
    }

    #[test]
    fn blank_flag_is_none() {
        assert_eq!(parse_flag("  "), Ok(None));
    }

    #[test]
    fn anything_else_is_a_flag_error() {
        for raw in ["maybe", "2", "yess", "-1", "unknown"] {
            assert_eq!(parse_flag(raw), Err(FlagError), "{raw}");
        }
    }

    #[test]
    fn numeric_months_one_to_twelve_are_accepted_with_or_without_padding() {
        assert_eq!(parse_month("1"), Ok(Some(1)));
        assert_eq!(parse_month("01"), Ok(Some(1)));
        assert_eq!(parse_month("12"), Ok(Some(12)));
    }

    #[test]
    fn month_names_and_abbreviations_are_accepted() {
        assert_eq!(parse_month("jan"), Ok(Some(1)));
        assert_eq!(parse_month("January"), Ok(Some(1)));
        assert_eq!(parse_month("DEC"), Ok(Some(12)));
        assert_eq!(parse_month(" september "), Ok(Some(9)));
    }

    #[test]
    fn month_zero_thirteen_and_words_are_errors() {
        for raw in ["0", "00", "13", "123", "Smarch", "1.5"] {
            assert_eq!(parse_month(raw), Err(MonthError), "{raw}");
        }
    }

    #[test]
    fn blank_month_is_none() {
        assert_eq!(parse_month(""), Ok(None));
    }
}
