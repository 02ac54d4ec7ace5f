//! Names, titles and address lines: whitespace tidied, accents composed (NFC), title-cased.
//!
//! Names are checked (letters, spaces, hyphens, apostrophes and full stops only) because a digit
//! or symbol in a name means the column holds something else. Titles and address lines are only
//! tidied: an unusual title or an address full of punctuation is still an address.

use super::collapse_whitespace;

/// The longest name accepted.
const MAX_NAME_CHARS: usize = 100;

/// Hyphenated place-name connectors kept lower case ("Stoke-on-Trent", "Weston-super-Mare").
const PLACE_CONNECTORS: &[&str] =
    &["on", "upon", "under", "by", "in", "le", "la", "de", "du", "en", "sur", "super", "the", "cum", "next"];

/// Why a string is not a name. Messages never repeat the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("names may contain only letters, spaces, hyphens, apostrophes and full stops")]
    Invalid,
    #[error("name is longer than 100 characters")]
    TooLong,
}

/// Tidies and title-cases a personal name; `Ok(None)` when it is blank.
///
/// "o'brien" -> "O'Brien", "SMITH-JONES" -> "Smith-Jones", "mcdonald" -> "McDonald".
pub fn normalise_name(raw: &str) -> Result<Option<String>, NameError> {
    let tidy = collapse_whitespace(raw).replace('\u{2019}', "'");
    if tidy.is_empty() {
        return Ok(None);
    }
    if tidy.chars().count() > MAX_NAME_CHARS {
        return Err(NameError::TooLong);
    }
    let allowed = |c: char| c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.');
    if !tidy.chars().all(allowed) || !tidy.chars().any(char::is_alphabetic) {
        return Err(NameError::Invalid);
    }
    Ok(Some(title_case_name(&tidy, true)))
}

/// Maps common ways of writing a title to a canonical one ("mr." -> "Mr", "doctor" -> "Dr");
/// an unknown title is kept, title-cased. `None` when blank. Never fails.
pub fn normalise_title(raw: &str) -> Option<String> {
    let tidy = collapse_whitespace(raw);
    if tidy.is_empty() {
        return None;
    }
    let key: String = tidy.chars().filter(|c| *c != '.').collect::<String>().to_lowercase();
    let canonical = match key.as_str() {
        "mr" | "mister" => "Mr",
        "mrs" | "missus" => "Mrs",
        "miss" => "Miss",
        "ms" => "Ms",
        "dr" | "doctor" => "Dr",
        "prof" | "professor" => "Prof",
        "rev" | "revd" | "reverend" => "Rev",
        "sir" => "Sir",
        "lady" => "Lady",
        "lord" => "Lord",
        "mx" => "Mx",
        _ => return Some(title_case_name(&tidy, false)),
    };
    Some(canonical.to_string())
}

/// Tidies and title-cases an address line, town or county; `None` when blank.
///
/// Flat and house letters after digits are capitalised and ordinals kept lower case
/// ("12a high st" -> "12A High St", "1st floor" -> "1st Floor"), possessive 's stays lower case
/// ("st john's road" -> "St John's Road") and hyphenated place connectors stay lower case
/// ("stoke-on-trent" -> "Stoke-on-Trent").
pub fn normalise_address_line(raw: &str) -> Option<String> {
    let tidy = collapse_whitespace(raw).replace('\u{2019}', "'");
    if tidy.is_empty() {
        return None;
    }
    let words: Vec<String> = tidy.split(' ').map(title_case_address_word).collect();
    Some(words.join(" "))
}

/// Capitalises each segment between spaces, hyphens, apostrophes and full stops.
fn title_case_name(s: &str, mc_prefix: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if matches!(c, ' ' | '-' | '\'' | '.') {
            out.push_str(&capitalise(&s[start..i], mc_prefix));
            out.push(c);
            start = i + c.len_utf8();
        }
    }
    out.push_str(&capitalise(&s[start..], mc_prefix));
    out
}

fn title_case_address_word(word: &str) -> String {
    if is_ordinal(word) {
        return word.to_lowercase();
    }
    // Split into (delimiter before, segment) on every character that is not a letter or digit.
    let mut segments: Vec<(Option<char>, &str)> = Vec::new();
    let mut start = 0;
    let mut before = None;
    for (i, c) in word.char_indices() {
        if !c.is_alphanumeric() {
            segments.push((before, &word[start..i]));
            before = Some(c);
            start = i + c.len_utf8();
        }
    }
    segments.push((before, &word[start..]));
    let last = segments.len() - 1;
    let mut out = String::with_capacity(word.len());
    for (i, (delimiter, segment)) in segments.into_iter().enumerate() {
        if let Some(d) = delimiter {
            out.push(d);
        }
        let lower = segment.to_lowercase();
        let keep_lower = match delimiter {
            Some('\'') => lower == "s",
            Some('-') => i < last && PLACE_CONNECTORS.contains(&lower.as_str()),
            _ => false,
        };
        if keep_lower {
            out.push_str(&lower);
        } else {
            out.push_str(&capitalise(segment, true));
        }
    }
    out
}

/// "1st", "22nd", "3RD", "4th".
fn is_ordinal(word: &str) -> bool {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let suffix = word[digits..].to_ascii_lowercase();
    digits > 0 && matches!(suffix.as_str(), "st" | "nd" | "rd" | "th")
}

/// Upper-cases a letter at the start of the segment or straight after a digit and lower-cases
/// every other letter; with `mc_prefix`, "mcdonald" becomes "McDonald".
fn capitalise(segment: &str, mc_prefix: bool) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut prev: Option<char> = None;
    for c in segment.chars() {
        if c.is_alphabetic() && prev.is_none_or(|p| p.is_ascii_digit()) {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        prev = Some(c);
    }
    if mc_prefix && out.starts_with("Mc") {
        let mut rest = out[2..].chars();
        if let Some(third) = rest.next().filter(|c| c.is_alphabetic()) {
            return format!("Mc{}{}", third.to_uppercase(), rest.as_str());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(raw: &str) -> String {
        normalise_name(raw)
            .unwrap_or_else(|e| panic!("{raw:?} should be a name: {e}"))
            .unwrap_or_else(|| panic!("{raw:?} should not be blank"))
    }

    #[test]
    fn name_is_trimmed_collapsed_and_title_cased() {
        assert_eq!(name("  mary   ann  "), "Mary Ann");
        assert_eq!(name("JOHN"), "John");
    }

    #[test]
    fn blank_name_is_none() {
        assert_eq!(normalise_name(" \t "), Ok(None));
    }

    #[test]
    fn apostrophe_segments_are_capitalised() {
        assert_eq!(name("o'brien"), "O'Brien");
    }

    #[test]
    fn curly_apostrophe_becomes_straight() {
        assert_eq!(name("O\u{2019}NEILL"), "O'Neill");
    }

    #[test]
    fn hyphen_segments_are_capitalised() {
        assert_eq!(name("SMITH-JONES"), "Smith-Jones");
    }

    #[test]
    fn mc_prefix_capitalises_the_following_letter() {
        assert_eq!(name("mcdonald"), "McDonald");
        assert_eq!(name("MCDONALD"), "McDonald");
        assert_eq!(name("Mc"), "Mc");
    }

    #[test]
    fn multi_word_surnames_capitalise_each_word() {
        assert_eq!(name("van der berg"), "Van Der Berg");
    }

    #[test]
    fn initials_with_full_stops_are_kept() {
        assert_eq!(name("j.r.r."), "J.R.R.");
    }

    #[test]
    fn accented_letters_are_allowed_and_cased() {
        assert_eq!(name("ZOË"), "Zoë");
        assert_eq!(name("élodie"), "Élodie");
    }

    #[test]
    fn decomposed_accents_are_composed_before_checking() {
        assert_eq!(name("jose\u{301}"), "Jos\u{e9}");
    }

    #[test]
    fn digits_in_a_name_are_invalid() {
        assert_eq!(normalise_name("J0hn"), Err(NameError::Invalid));
    }

    #[test]
    fn symbols_in_a_name_are_invalid() {
        for raw in ["john@example.com", "Smith & Sons", "N/A", "Jane_Doe", "(none)"] {
            assert_eq!(normalise_name(raw), Err(NameError::Invalid), "{raw}");
        }
    }

    #[test]
    fn punctuation_without_letters_is_invalid() {
        assert_eq!(normalise_name("-"), Err(NameError::Invalid));
        assert_eq!(normalise_name(". '"), Err(NameError::Invalid));
    }

    #[test]
    fn name_over_100_characters_is_too_long() {
        assert_eq!(normalise_name(&"a".repeat(101)), Err(NameError::TooLong));
        assert!(normalise_name(&"a".repeat(100)).is_ok());
    }

    #[test]
    fn known_titles_map_to_canonical_forms() {
        for (raw, expected) in [
            ("mr", "Mr"),
            ("Mr.", "Mr"),
            ("MRS", "Mrs"),
            ("miss", "Miss"),
            ("ms.", "Ms"),
            ("dr", "Dr"),
            ("Doctor", "Dr"),
            ("prof.", "Prof"),
            ("Professor", "Prof"),
            ("rev", "Rev"),
            ("Revd.", "Rev"),
            ("SIR", "Sir"),
            ("lady", "Lady"),
            ("lord", "Lord"),
            ("MX", "Mx"),
        ] {
            assert_eq!(normalise_title(raw).as_deref(), Some(expected), "{raw}");
        }
    }

    #[test]
    fn unknown_title_is_kept_title_cased() {
        assert_eq!(normalise_title("the hon.").as_deref(), Some("The Hon."));
        assert_eq!(normalise_title("CAPTAIN").as_deref(), Some("Captain"));
    }

    #[test]
    fn blank_title_is_none() {
        assert_eq!(normalise_title("   "), None);
    }

    #[test]
    fn address_line_keeps_digits_and_capitalises_flat_letters() {
        assert_eq!(normalise_address_line("12a high st").as_deref(), Some("12A High St"));
        assert_eq!(normalise_address_line("FLAT 3B").as_deref(), Some("Flat 3B"));
    }

    #[test]
    fn address_line_keeps_ordinals_lower_case() {
        assert_eq!(normalise_address_line("1ST FLOOR, 22nd avenue").as_deref(), Some("1st Floor, 22nd Avenue"));
    }

    #[test]
    fn address_line_keeps_possessive_s_lower_case() {
        assert_eq!(normalise_address_line("ST JOHN\u{2019}S ROAD").as_deref(), Some("St John's Road"));
        assert_eq!(normalise_address_line("o'connell street").as_deref(), Some("O'Connell Street"));
    }

    #[test]
    fn hyphenated_place_connectors_stay_lower_case() {
        assert_eq!(normalise_address_line("STOKE-ON-TRENT").as_deref(), Some("Stoke-on-Trent"));
        assert_eq!(normalise_address_line("weston-super-mare").as_deref(), Some("Weston-super-Mare"));
        assert_eq!(normalise_address_line("on-trent").as_deref(), Some("On-Trent"));
    }

    #[test]
    fn address_line_whitespace_is_collapsed() {
        assert_eq!(normalise_address_line("  10   downing\tstreet ").as_deref(), Some("10 Downing Street"));
    }

    #[test]
    fn blank_address_line_is_none() {
        assert_eq!(normalise_address_line(" \n "), None);
    }
}
