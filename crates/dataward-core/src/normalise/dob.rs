//! Calendar dates as partners write them (always day-first, UK style) and dates of birth.
//!
//! Recognised forms: `1980-03-12`, `1980/03/12`, `19800312`, `12/03/1980`, `12/3/1980`,
//! `12-03-1980`, `12.03.1980`, `12 Mar 1980`, `12 March 1980`, `12-Mar-1980` (and `12th March
//! 1980`). A numeric date with the year last is *always* day/month/year. Two-digit years are
//! refused as ambiguous rather than guessed. A date of birth must also be plausible (not in the
//! future, not before 1900) and belong to someone aged at least 16 on the given day.

use std::fmt;

use jiff::civil::{Date, date};

/// The earliest date of birth treated as plausible.
const EARLIEST_BIRTH: Date = date(1900, 1, 1);
/// The youngest age whose data may be held.
const MINIMUM_AGE: i16 = 16;

const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Why a string is not a date. Messages never repeat the value (a day and month that cannot
/// exist together, such as 31 February, are not anybody's date of birth).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("date is blank")]
    Empty,
    #[error("not a date in a recognised format")]
    UnrecognisedFormat,
    #[error("two-digit years are ambiguous; a four-digit year is required")]
    TwoDigitYear,
    #[error("month must be between 1 and 12")]
    MonthOutOfRange,
    #[error("day must be between 1 and 31")]
    DayOutOfRange,
    #[error("{day} {} does not exist", month_name(*.month))]
    NoSuchDay { day: u8, month: u8 },
    #[error("29 February does not exist in that year")]
    NotALeapYear,
}

/// The English name of month 1..=12 (a neutral phrase for anything else).
fn month_name(month: u8) -> &'static str {
    usize::from(month).checked_sub(1).and_then(|i| MONTH_NAMES.get(i)).copied().unwrap_or("that month")
}

/// Why a real calendar date is not a plausible date of birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Implausibility {
    #[error("date of birth is in the future")]
    InFuture,
    #[error("date of birth is before 1900")]
    Before1900,
}

/// Why a string is not an acceptable date of birth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DobError {
    /// Not a date at all, or a day that does not exist.
    #[error("{0}")]
    Invalid(#[from] DateError),
    /// A real date, but nobody alive and on file could have been born then.
    #[error("{0}")]
    Implausible(Implausibility),
    /// The person would be under 16: data relating to children is refused.
    #[error("date of birth makes the person under 16")]
    UnderAge,
}

/// The date of birth of someone at least 16 years old, born no earlier than 1900.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateOfBirth(Date);

impl DateOfBirth {
    /// Parses a date of birth and checks it against `today` (supplied by the caller: this crate
    /// never reads the clock).
    pub fn parse(raw: &str, today: Date) -> Result<DateOfBirth, DobError> {
        let born = parse_date(raw)?;
        if born > today {
            return Err(DobError::Implausible(Implausibility::InFuture));
        }
        if born < EARLIEST_BIRTH {
            return Err(DobError::Implausible(Implausibility::Before1900));
        }
        let dob = DateOfBirth(born);
        if dob.age_on(today) < MINIMUM_AGE {
            return Err(DobError::UnderAge);
        }
        Ok(dob)
    }

    /// The date itself.
    pub fn date(&self) -> Date {
        self.0
    }

    /// ISO 8601 form, e.g. "1980-03-12".
    pub fn as_iso(&self) -> String {
        self.0.to_string()
    }

    /// Age in whole years on `day`. Someone born on 29 February becomes a year older on
    /// 1 March in common years, as in UK law.
    pub fn age_on(&self, day: Date) -> i16 {
        let born = self.0;
        let had_birthday = (day.month(), day.day()) >= (born.month(), born.day());
        day.year() - born.year() - i16::from(!had_birthday)
    }
}

impl fmt::Debug for DateOfBirth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DateOfBirth(<redacted>)")
    }
}

/// Parses a date in any recognised form, with no plausibility rules (for collection dates).
pub fn parse_civil_date(raw: &str) -> Option<Date> {
    parse_date(raw).ok()
}

/// Parses a date in any recognised form, saying why it is not one.
pub fn parse_date(raw: &str) -> Result<Date, DateError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DateError::Empty);
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return match text.len() {
            8 => build(&text[..4], &text[4..6], &text[6..]),
            6 => Err(DateError::TwoDigitYear),
            _ => Err(DateError::UnrecognisedFormat),
        };
    }
    let parts = split_parts(text).ok_or(DateError::UnrecognisedFormat)?;
    let [first, second, third] = parts;
    if is_digits(first, 4..=4) { build(first, second, third) } else { build(third, second, strip_ordinal(first)) }
}

/// Splits "a?b?c" where ? is one separator used consistently: `-`, `/`, `.` or whitespace
/// (whitespace may be mixed with commas, as in "12 March, 1980").
fn split_parts(text: &str) -> Option<[&str; 3]> {
    let sep = text.chars().find(|c| !c.is_alphanumeric())?;
    let parts: Vec<&str> = match sep {
        '-' | '/' | '.' => text.split(sep).collect(),
        c if c.is_whitespace() || c == ',' => {
            text.split(|c: char| c.is_whitespace() || c == ',').filter(|p| !p.is_empty()).collect()
        }
        _ => return None,
    };
    <[&str; 3]>::try_from(parts).ok()
}

fn is_digits(s: &str, len: std::ops::RangeInclusive<usize>) -> bool {
    len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

/// "12th" -> "12"; leaves anything else untouched.
fn strip_ordinal(day: &str) -> &str {
    let lower = day.to_ascii_lowercase();
    for suffix in ["st", "nd", "rd", "th"] {
        if lower.len() > 2 && lower.ends_with(suffix) {
            return &day[..day.len() - 2];
        }
    }
    day
}

/// A month given as 1-2 digits or an English name/abbreviation.
fn month_number(month: &str) -> Result<u8, DateError> {
    if is_digits(month, 1..=2) {
        return month.parse().map_err(|_| DateError::UnrecognisedFormat);
    }
    month_from_name(month).ok_or(DateError::UnrecognisedFormat)
}

/// "Mar", "march", "Sept" -> 3, 3, 9.
pub(super) fn month_from_name(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase();
    if lower == "sept" {
        return Some(9);
    }
    MONTH_NAMES.iter().zip(1u8..).find_map(|(full, n)| {
        let full = full.to_ascii_lowercase();
        (lower == full || lower == full[..3]).then_some(n)
    })
}

fn build(year: &str, month: &str, day: &str) -> Result<Date, DateError> {
    if !is_digits(day, 1..=2) {
        return Err(DateError::UnrecognisedFormat);
    }
    let month = month_number(month)?;
    if !is_digits(year, 4..=4) {
        return Err(if is_digits(year, 2..=2) { DateError::TwoDigitYear } else { DateError::UnrecognisedFormat });
    }
    let year: i16 = year.parse().map_err(|_| DateError::UnrecognisedFormat)?;
    let day: u8 = day.parse().map_err(|_| DateError::UnrecognisedFormat)?;
    if !(1..=12).contains(&month) {
        return Err(DateError::MonthOutOfRange);
    }
    if !(1..=31).contains(&day) {
        return Err(DateError::DayOutOfRange);
    }
    // Both fit in i8 after the range checks above.
    Date::new(year, month as i8, day as i8).map_err(|_| {
        if month == 2 && day == 29 { DateError::NotALeapYear } else { DateError::NoSuchDay { day, month } }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: Date = date(2025, 6, 15);

    fn d(raw: &str) -> Date {
        parse_date(raw).unwrap_or_else(|e| panic!("{raw:?} should parse: {e}"))
    }

    #[test]
    fn every_recognised_format_gives_the_same_date() {
        for raw in [
            "1980-03-12",
            "1980/03/12",
            "19800312",
            "12/03/1980",
            "12/3/1980",
            "12-03-1980",
            "12.03.1980",
            "12 Mar 1980",
            "12 March 1980",
            "12-Mar-1980",
            "12th March 1980",
            "12 MARCH, 1980",
            "  12/03/1980 ",
        ] {
            assert_eq!(d(raw), date(1980, 3, 12), "{raw}");
        }
    }

    #[test]
    fn single_digit_day_and_month_are_accepted() {
        assert_eq!(d("1/2/1980"), date(1980, 2, 1));
        assert_eq!(d("1980-2-1"), date(1980, 2, 1));
    }

    #[test]
    fn numeric_dates_are_always_read_day_first() {
        assert_eq!(d("03/12/1980"), date(1980, 12, 3));
    }

    #[test]
    fn american_month_first_date_with_day_over_twelve_is_rejected() {
        assert_eq!(parse_date("03/13/1980"), Err(DateError::MonthOutOfRange));
    }

    #[test]
    fn two_digit_years_are_rejected_as_ambiguous() {
        assert_eq!(parse_date("12/03/80"), Err(DateError::TwoDigitYear));
        assert_eq!(parse_date("12 Mar 80"), Err(DateError::TwoDigitYear));
        assert_eq!(parse_date("120380"), Err(DateError::TwoDigitYear));
    }

    #[test]
    fn thirty_first_of_february_does_not_exist() {
        let err = parse_date("31/02/1980").unwrap_err();
        assert_eq!(err, DateError::NoSuchDay { day: 31, month: 2 });
        assert_eq!(err.to_string(), "31 February does not exist");
    }

    #[test]
    fn leap_day_in_a_common_year_is_rejected_without_naming_the_year() {
        let err = parse_date("29/02/1981").unwrap_err();
        assert_eq!(err, DateError::NotALeapYear);
        assert!(!err.to_string().contains("1981"));
        assert_eq!(d("29/02/1980"), date(1980, 2, 29));
    }

    #[test]
    fn day_zero_or_over_31_is_out_of_range() {
        assert_eq!(parse_date("00/03/1980"), Err(DateError::DayOutOfRange));
        assert_eq!(parse_date("32/03/1980"), Err(DateError::DayOutOfRange));
    }

    #[test]
    fn mixed_separators_are_unrecognised() {
        assert_eq!(parse_date("12/03-1980"), Err(DateError::UnrecognisedFormat));
    }

    #[test]
    fn words_and_unknown_month_names_are_unrecognised() {
        assert_eq!(parse_date("yesterday"), Err(DateError::UnrecognisedFormat));
        assert_eq!(parse_date("12 Smarch 1980"), Err(DateError::UnrecognisedFormat));
        assert_eq!(parse_date("1980-03-12T10:00"), Err(DateError::UnrecognisedFormat));
    }

    #[test]
    fn blank_date_is_empty() {
        assert_eq!(parse_date(" "), Err(DateError::Empty));
        assert_eq!(parse_civil_date(""), None);
    }

    #[test]
    fn parse_civil_date_applies_no_age_rules() {
        assert_eq!(parse_civil_date("01/01/2030"), Some(date(2030, 1, 1)));
        assert_eq!(parse_civil_date("31/02/2020"), None);
    }

    #[test]
    fn valid_date_of_birth_gives_iso_form_and_age() {
        let dob = DateOfBirth::parse("12 March 1980", TODAY).unwrap();
        assert_eq!(dob.date(), date(1980, 3, 12));
        assert_eq!(dob.as_iso(), "1980-03-12");
        assert_eq!(dob.age_on(TODAY), 45);
    }

    #[test]
    fn age_goes_up_on_the_birthday_not_before() {
        let dob = DateOfBirth::parse("1980-06-15", TODAY).unwrap();
        assert_eq!(dob.age_on(date(2025, 6, 14)), 44);
        assert_eq!(dob.age_on(date(2025, 6, 15)), 45);
    }

    #[test]
    fn leap_day_birthday_counts_from_first_of_march_in_common_years() {
        let dob = DateOfBirth::parse("29/02/1980", TODAY).unwrap();
        assert_eq!(dob.age_on(date(2025, 2, 28)), 44);
        assert_eq!(dob.age_on(date(2025, 3, 1)), 45);
    }

    #[test]
    fn date_of_birth_that_does_not_exist_is_invalid() {
        assert_eq!(
            DateOfBirth::parse("31/02/1980", TODAY),
            Err(DobError::Invalid(DateError::NoSuchDay { day: 31, month: 2 }))
        );
    }

    #[test]
    fn date_of_birth_in_the_future_is_implausible() {
        assert_eq!(DateOfBirth::parse("16/06/2025", TODAY), Err(DobError::Implausible(Implausibility::InFuture)));
    }

    #[test]
    fn date_of_birth_before_1900_is_implausible() {
        assert_eq!(DateOfBirth::parse("31/12/1899", TODAY), Err(DobError::Implausible(Implausibility::Before1900)));
        assert!(DateOfBirth::parse("01/01/1900", TODAY).is_ok());
    }

    #[test]
    fn someone_turning_sixteen_tomorrow_is_under_age() {
        assert_eq!(DateOfBirth::parse("16/06/2009", TODAY), Err(DobError::UnderAge));
    }

    #[test]
    fn someone_turning_sixteen_today_is_accepted() {
        assert!(DateOfBirth::parse("15/06/2009", TODAY).is_ok());
    }

    #[test]
    fn born_today_is_under_age_not_implausible() {
        assert_eq!(DateOfBirth::parse("15/06/2025", TODAY), Err(DobError::UnderAge));
    }

    #[test]
    fn debug_output_redacts_the_date_of_birth() {
        let dob = DateOfBirth::parse("1980-03-12", TODAY).unwrap();
        assert_eq!(format!("{dob:?}"), "DateOfBirth(<redacted>)");
    }

    #[test]
    fn month_names_and_abbreviations_map_to_numbers() {
        assert_eq!(month_from_name("jan"), Some(1));
        assert_eq!(month_from_name("SEPT"), Some(9));
        assert_eq!(month_from_name("December"), Some(12));
        assert_eq!(month_from_name("decem"), None);
    }
}
