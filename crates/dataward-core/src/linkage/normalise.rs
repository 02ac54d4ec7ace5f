//! Normalisation for matching: the forms values are compared in, beyond the validation done at
//! ingest.
//!
//! - **Text** is folded: lower case, accents removed ("Zoë" -> "zoe", "Ø" -> "o", "ß" -> "ss"),
//!   apostrophes dropped ("O'Brien" -> "obrien"), other punctuation turned into spaces.
//! - **Names**: titles ("Mr", "Dr", ...) and suffixes ("Jr", "Sr", "III", ...) are split out of
//!   the name fields into their own fields; a first-name field holding two names keeps the rest
//!   as middle names; a surname keeps its parts, so either part of a double-barrelled name can
//!   match ("Smith-Jones" has parts "smith" and "jones") and is also compared joined up
//!   ("smithjones").
//! - **Addresses** (UK style) are parsed into flat, house number, house name, street and
//!   locality; street types are spelled out ("Rd" -> "road", "Ave" -> "avenue"), and a leading
//!   "St" is a saint ("St John's Rd" -> "saint johns road").
//! - **Postcodes**: compact upper-case form, plus sector, district and area for UK postcodes.
//! - **Emails** are lower-cased; provider-specific canonical forms are applied only where the
//!   provider defines them: Gmail ignores dots in the local part and treats `googlemail.com` as
//!   `gmail.com`; Gmail, Outlook/Hotmail/Live, iCloud, Fastmail and Proton deliver
//!   `name+tag@` to `name@`.
//! - **Dates of birth** are kept as their eight digits `YYYYMMDD` so that a mistyped digit or a
//!   day/month swap can be recognised as a typo class rather than a different date.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds text for comparison: lower case, accents removed, apostrophes dropped, every other
/// character that is not a letter or digit turned into a space, whitespace collapsed.
pub fn fold(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.nfd() {
        if is_combining_mark(c) || matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '`') {
            continue;
        }
        let mapped: &str = match c {
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'œ' | 'Œ' => "oe",
            'ø' | 'Ø' => "o",
            'ł' | 'Ł' => "l",
            'đ' | 'Đ' | 'ð' | 'Ð' => "d",
            'þ' | 'Þ' => "th",
            'ı' => "i",
            _ => "",
        };
        if !mapped.is_empty() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push_str(mapped);
        } else if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// The folded text with spaces removed ("Smith Jones" -> "smithjones").
pub fn compact(folded: &str) -> String {
    folded.chars().filter(|c| *c != ' ').collect()
}

/// American Soundex of the letters of `s` (e.g. "robert" -> "R163"); `None` without a letter.
pub fn soundex(s: &str) -> Option<String> {
    fn code(c: char) -> u8 {
        match c {
            'b' | 'f' | 'p' | 'v' => b'1',
            'c' | 'g' | 'j' | 'k' | 'q' | 's' | 'x' | 'z' => b'2',
            'd' | 't' => b'3',
            'l' => b'4',
            'm' | 'n' => b'5',
            'r' => b'6',
            'h' | 'w' => b'h',
            _ => b'0',
        }
    }
    let mut letters = s.chars().filter(char::is_ascii_alphabetic).map(|c| c.to_ascii_lowercase());
    let first = letters.next()?;
    let mut out = vec![first.to_ascii_uppercase() as u8];
    let mut last = code(first);
    for c in letters {
        let d = code(c);
        if d == b'h' {
            // H and W do not separate letters with the same code.
            continue;
        }
        if d != b'0' && d != last {
            out.push(d);
            if out.len() == 4 {
                break;
            }
        }
        last = d;
    }
    while out.len() < 4 {
        out.push(b'0');
    }
    Some(String::from_utf8(out).expect("ascii"))
}

/// Titles recognised at the start of a name field.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "miss",
    "ms",
    "mx",
    "dr",
    "doctor",
    "prof",
    "professor",
    "rev",
    "revd",
    "reverend",
    "sir",
    "dame",
    "lady",
    "lord",
    "master",
    "mister",
    "fr",
    "father",
    "sister",
];

/// Generational and honorific suffixes recognised at the end of a name field.
const SUFFIXES: &[&str] = &[
    "jr", "jnr", "junior", "sr", "snr", "senior", "ii", "iii", "iv", "esq", "phd", "obe", "mbe", "cbe", "kbe", "qc",
    "kc",
];

/// The canonical form of a suffix: the generational ones collapse ("jnr" -> "jr").
fn canonical_suffix(s: &str) -> &'static str {
    match s {
        "jr" | "jnr" | "junior" => "jr",
        "sr" | "snr" | "senior" => "sr",
        "ii" => "ii",
        "iii" => "iii",
        "iv" => "iv",
        _ => "honorific",
    }
}

/// A person's name in matching form.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MatchName {
    /// The canonical title, if one was given or found in a name field ("mr", "dr").
    pub title: Option<String>,
    /// The generational suffix ("jr", "sr", "ii", "iii", "iv"); honorifics are dropped.
    pub suffix: Option<&'static str>,
    /// The first given name, folded ("mary").
    pub first: Option<String>,
    /// The whole first-name field without spaces, folded ("maryanne" for "Mary Anne"): a
    /// space typed into a name ("Mar y") still compares equal.
    pub first_compact: Option<String>,
    /// Further given names, folded.
    pub middle: Vec<String>,
    /// The nickname groups of the first name ([`super::nicknames::groups_of`]).
    pub first_groups: &'static [u16],
    /// The surname, folded, parts separated by single spaces ("smith jones").
    pub surname: Option<String>,
    /// The surname joined up ("smithjones").
    pub surname_compact: Option<String>,
}

impl MatchName {
    /// Builds the matching form of a name from its fields (any may be blank).
    pub fn new(title: Option<&str>, first: Option<&str>, middle: Option<&str>, surname: Option<&str>) -> MatchName {
        let mut name = MatchName { title: title.and_then(canonical_title), ..MatchName::default() };
        let mut given: Vec<String> = first.map(fold).unwrap_or_default().split(' ').map(str::to_string).collect();
        given.retain(|t| !t.is_empty());
        // Titles at the start of the first-name field; suffixes at its end.
        while given.len() > 1 && TITLES.contains(&given[0].as_str()) {
            let t = given.remove(0);
            name.title = name.title.or_else(|| canonical_title(&t));
        }
        while given.len() > 1 && SUFFIXES.contains(&given[given.len() - 1].as_str()) {
            let s = given.pop().expect("non-empty");
            name.suffix = name.suffix.or(Some(canonical_suffix(&s)).filter(|s| *s != "honorific"));
        }
        let mut family: Vec<String> = surname.map(fold).unwrap_or_default().split(' ').map(str::to_string).collect();
        family.retain(|t| !t.is_empty());
        while family.len() > 1 && SUFFIXES.contains(&family[family.len() - 1].as_str()) {
            let s = family.pop().expect("non-empty");
            name.suffix = name.suffix.or(Some(canonical_suffix(&s)).filter(|s| *s != "honorific"));
        }
        while family.len() > 1 && TITLES.contains(&family[0].as_str()) {
            let t = family.remove(0);
            name.title = name.title.or_else(|| canonical_title(&t));
        }
        if !given.is_empty() {
            name.first_compact = Some(given.concat());
            name.first_groups = super::nicknames::groups_of(&given[0]);
            name.first = Some(given.remove(0));
            name.middle = given;
        }
        if let Some(m) = middle {
            name.middle.extend(fold(m).split(' ').filter(|t| !t.is_empty()).map(str::to_string));
        }
        if !family.is_empty() {
            name.surname_compact = Some(family.concat());
            name.surname = Some(family.join(" "));
        }
        name
    }

    /// The parts of the surname ("smith jones" -> ["smith", "jones"]).
    pub fn surname_parts(&self) -> impl Iterator<Item = &str> {
        self.surname.as_deref().unwrap_or("").split(' ').filter(|p| !p.is_empty())
    }
}

impl std::fmt::Debug for MatchName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MatchName(<redacted>)")
    }
}

/// The canonical matching form of a title ("Mister" -> "mr", "Doctor" -> "dr"); `None` if blank.
pub fn canonical_title(raw: &str) -> Option<String> {
    let folded = compact(&fold(raw));
    if folded.is_empty() {
        return None;
    }
    let canonical = match folded.as_str() {
        "mister" => "mr",
        "doctor" => "dr",
        "professor" => "prof",
        "revd" | "reverend" => "rev",
        "father" => "fr",
        other => other,
    };
    Some(canonical.to_string())
}

/// Street-type words and their abbreviations, mapped to the full word.
const STREET_TYPES: &[(&str, &str)] = &[
    ("rd", "road"),
    ("road", "road"),
    ("st", "street"),
    ("str", "street"),
    ("street", "street"),
    ("ave", "avenue"),
    ("av", "avenue"),
    ("avenue", "avenue"),
    ("ln", "lane"),
    ("lane", "lane"),
    ("dr", "drive"),
    ("drv", "drive"),
    ("drive", "drive"),
    ("cl", "close"),
    ("close", "close"),
    ("cres", "crescent"),
    ("cresc", "crescent"),
    ("crescent", "crescent"),
    ("ct", "court"),
    ("crt", "court"),
    ("court", "court"),
    ("gdns", "gardens"),
    ("gardens", "gardens"),
    ("gr", "grove"),
    ("gro", "grove"),
    ("grove", "grove"),
    ("pl", "place"),
    ("place", "place"),
    ("sq", "square"),
    ("square", "square"),
    ("ter", "terrace"),
    ("terr", "terrace"),
    ("terrace", "terrace"),
    ("pk", "park"),
    ("park", "park"),
    ("wy", "way"),
    ("way", "way"),
    ("hl", "hill"),
    ("hill", "hill"),
    ("mws", "mews"),
    ("mews", "mews"),
    ("pde", "parade"),
    ("parade", "parade"),
    ("wlk", "walk"),
    ("walk", "walk"),
    ("row", "row"),
    ("grn", "green"),
    ("green", "green"),
    ("cir", "circuit"),
    ("cct", "circuit"),
    ("circuit", "circuit"),
    ("hwy", "highway"),
    ("highway", "highway"),
    ("blvd", "boulevard"),
    ("boulevard", "boulevard"),
    ("vw", "view"),
    ("view", "view"),
    ("cottages", "cottages"),
    ("cotts", "cottages"),
    ("rise", "rise"),
    ("vale", "vale"),
    ("wharf", "wharf"),
    ("yard", "yard"),
    ("embankment", "embankment"),
];

/// Words introducing a flat or unit number.
const FLAT_WORDS: &[&str] = &["flat", "apartment", "apt", "unit", "suite", "room", "maisonette"];

fn street_type(word: &str) -> Option<&'static str> {
    STREET_TYPES.iter().find(|(abbr, _)| *abbr == word).map(|(_, full)| *full)
}

/// Whether a token is a house number: digits, optionally a letter ("12a"), or a range ("12-14").
fn is_house_number(token: &str) -> bool {
    let bytes = token.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    digits > 0
        && digits <= 5
        && (digits == bytes.len() || (bytes.len() == digits + 1 && bytes[digits].is_ascii_lowercase()))
}

/// An address in matching form, parsed from its lines.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MatchAddress {
    /// Flat or unit number ("3", "2b").
    pub flat: Option<String>,
    /// Building number ("12", "12a", "12-14").
    pub number: Option<String>,
    /// House or building name ("rose cottage").
    pub name: Option<String>,
    /// Street with its type spelled out ("oak road").
    pub street: Option<String>,
    /// The street without spaces, the key it is compared by ("oakroad").
    pub street_key: Option<String>,
    /// A locality or dependent line after the street ("headingley").
    pub locality: Option<String>,
    /// The locality without spaces.
    pub locality_key: Option<String>,
}

impl MatchAddress {
    /// Parses address lines (UK style, most specific first). Commas split a line into parts;
    /// a part starting "Flat"/"Apartment"/... gives the flat number; a part starting with a
    /// number gives the house number and the street; a part before the street without a number
    /// is the house name; a part after the street is the locality.
    pub fn parse<'a>(lines: impl IntoIterator<Item = &'a str>) -> MatchAddress {
        let mut a = MatchAddress::default();
        for line in lines {
            let segments: Vec<&str> = line.split([',', ';']).collect();
            for segment in segments {
                a.take_segment(segment);
            }
        }
        a.street_key = a.street.as_deref().map(compact);
        a.locality_key = a.locality.as_deref().map(compact);
        a
    }

    fn take_segment(&mut self, raw: &str) {
        let folded = fold(raw);
        let tokens: Vec<String> = folded.split(' ').filter(|t| !t.is_empty()).map(str::to_string).collect();
        // Folding split "12-14" at the hyphen; put numeric ranges back together.
        let mut tokens = rejoin_ranges(raw, tokens);
        if tokens.is_empty() {
            return;
        }
        if FLAT_WORDS.contains(&tokens[0].as_str()) && tokens.len() >= 2 {
            if self.flat.is_none() {
                self.flat = Some(tokens[1].clone());
            }
            tokens.drain(..2);
            if tokens.is_empty() {
                return;
            }
        }
        if is_house_number(&tokens[0]) || is_range(&tokens[0]) {
            if self.number.is_none() {
                self.number = Some(tokens[0].clone());
            } else if self.flat.is_none() {
                // "3, 12 Oak Road" style: the first number was the flat.
                self.flat = self.number.take();
                self.number = Some(tokens[0].clone());
            }
            tokens.remove(0);
            if tokens.is_empty() {
                return;
            }
            if self.street.is_none() {
                self.street = Some(street_words(&tokens));
            } else if self.locality.is_none() {
                self.locality = Some(tokens.join(" "));
            }
            return;
        }
        let looks_like_street = tokens.len() >= 2 && street_type(&tokens[tokens.len() - 1]).is_some();
        if self.street.is_none() && (looks_like_street || self.number.is_some() || self.name.is_some()) {
            self.street = Some(street_words(&tokens));
        } else if self.street.is_none() && self.name.is_none() {
            self.name = Some(tokens.join(" "));
        } else if self.locality.is_none() {
            self.locality = Some(tokens.join(" "));
        }
    }

    /// Whether nothing was parsed.
    pub fn is_empty(&self) -> bool {
        self.flat.is_none() && self.number.is_none() && self.name.is_none() && self.street.is_none()
    }
}

impl std::fmt::Debug for MatchAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MatchAddress(<redacted>)")
    }
}

fn is_range(token: &str) -> bool {
    token.split_once('-').is_some_and(|(a, b)| is_house_number(a) && is_house_number(b))
}

/// Puts "12 14" back to "12-14" when the raw text had "12-14" (or "12/14").
fn rejoin_ranges(raw: &str, tokens: Vec<String>) -> Vec<String> {
    if tokens.len() >= 2 && is_house_number(&tokens[0]) && is_house_number(&tokens[1]) {
        let raw = raw.trim_start();
        let digits = raw.chars().take_while(char::is_ascii_alphanumeric).count();
        if raw[digits..].starts_with(['-', '/']) {
            let mut rest = tokens;
            let second = rest.remove(1);
            rest[0] = format!("{}-{second}", rest[0]);
            return rest;
        }
    }
    tokens
}

/// Street words with the type spelled out; a leading "st" is "saint".
fn street_words(tokens: &[String]) -> String {
    let last = tokens.len() - 1;
    let words: Vec<&str> = tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if i == 0 && last > 0 && t == "st" {
                "saint"
            } else if i == last {
                street_type(t).unwrap_or(t)
            } else {
                t.as_str()
            }
        })
        .collect();
    words.join(" ")
}

/// A postcode in matching form.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct MatchPostcode {
    /// Upper case without spaces ("LS62AB", or "2119" for a non-UK postcode).
    pub full: String,
    /// UK sector ("LS6 2"), district ("LS6") and area ("LS"); `None` for non-UK postcodes.
    pub sector: Option<String>,
    pub district: Option<String>,
    pub area: Option<String>,
}

impl MatchPostcode {
    /// From a validated UK postcode.
    pub fn from_uk(p: &crate::normalise::Postcode) -> MatchPostcode {
        MatchPostcode {
            full: compact(p.as_str()).to_ascii_uppercase(),
            sector: Some(p.sector().to_string()),
            district: Some(p.district().to_string()),
            area: Some(p.area().to_string()),
        }
    }

    /// From raw text: a valid UK postcode gets its sector, district and area; anything else
    /// (a foreign postcode) is kept as its compact upper-case form. `None` when blank.
    pub fn from_raw(raw: &str) -> Option<MatchPostcode> {
        if let Ok(p) = crate::normalise::Postcode::parse(raw) {
            return Some(MatchPostcode::from_uk(&p));
        }
        let full: String = raw.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
        (!full.is_empty()).then_some(MatchPostcode { full, ..MatchPostcode::default() })
    }
}

impl std::fmt::Debug for MatchPostcode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MatchPostcode(<redacted>)")
    }
}

/// Domains whose provider ignores dots in the local part.
const DOTLESS_DOMAINS: &[&str] = &["gmail.com", "googlemail.com"];
/// Domains whose provider delivers `name+tag@` to `name@`.
const PLUS_TAG_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "live.co.uk",
    "icloud.com",
    "me.com",
    "mac.com",
    "fastmail.com",
    "fastmail.fm",
    "protonmail.com",
    "proton.me",
    "pm.me",
];

/// The canonical matching form of an email address: lower case; for providers that define it,
/// `+tag` removed and (Gmail) dots removed and `googlemail.com` read as `gmail.com`. `None`
/// when the text has no `@`.
pub fn canonical_email(raw: &str) -> Option<String> {
    let lower = raw.trim().to_lowercase();
    let (local, domain) = lower.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() {
        return None;
    }
    let mut local = local.to_string();
    if PLUS_TAG_DOMAINS.contains(&domain)
        && let Some((base, _tag)) = local.split_once('+')
        && !base.is_empty()
    {
        local = base.to_string();
    }
    let domain = if DOTLESS_DOMAINS.contains(&domain) {
        local.retain(|c| c != '.');
        "gmail.com"
    } else {
        domain
    };
    Some(format!("{local}@{domain}"))
}

/// A date of birth as its eight digits `YYYYMMDD`, kept even when the date does not exist
/// (a mistyped "19560431" still compares digit by digit).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DobDigits(pub [u8; 8]);

impl DobDigits {
    /// From a valid date.
    pub fn from_date(date: jiff::civil::Date) -> DobDigits {
        Self::from_ymd(date.year(), date.month(), date.day()).expect("a valid date has digits")
    }

    fn from_ymd(y: i16, m: i8, d: i8) -> Option<DobDigits> {
        if !(0..=9999).contains(&y) || !(0..=99).contains(&m) || !(0..=99).contains(&d) {
            return None;
        }
        let s = format!("{y:04}{m:02}{d:02}");
        let mut out = [0u8; 8];
        out.copy_from_slice(s.as_bytes());
        Some(DobDigits(out))
    }

    /// Reads `YYYYMMDD`, `YYYY-MM-DD` or `DD/MM/YYYY` (also with `-` or `.`), without checking
    /// that the date exists. `None` when the text is none of these.
    pub fn parse(raw: &str) -> Option<DobDigits> {
        let raw = raw.trim();
        let num = |s: &str| s.parse::<i32>().ok();
        if raw.len() == 8 && raw.bytes().all(|b| b.is_ascii_digit()) {
            let mut out = [0u8; 8];
            out.copy_from_slice(raw.as_bytes());
            return Some(DobDigits(out));
        }
        let parts: Vec<&str> = raw.split(['-', '/', '.']).collect();
        if parts.len() != 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
            return None;
        }
        let (y, m, d) = if parts[0].len() == 4 {
            (num(parts[0])?, num(parts[1])?, num(parts[2])?)
        } else if parts[2].len() == 4 {
            (num(parts[2])?, num(parts[1])?, num(parts[0])?)
        } else {
            return None;
        };
        Self::from_ymd(i16::try_from(y).ok()?, i8::try_from(m).ok()?, i8::try_from(d).ok()?)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("ascii digits")
    }

    pub fn year(&self) -> &str {
        &self.as_str()[..4]
    }

    pub fn month(&self) -> &str {
        &self.as_str()[4..6]
    }

    pub fn day(&self) -> &str {
        &self.as_str()[6..]
    }

    /// Whether `other` is this date with day and month swapped (and they differ).
    pub fn is_day_month_swap_of(&self, other: &DobDigits) -> bool {
        self.year() == other.year()
            && self.month() == other.day()
            && self.day() == other.month()
            && self.month() != self.day()
    }
}

impl std::fmt::Debug for DobDigits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DobDigits(<redacted>)")
    }
}

/// A phone number in matching form, and whether it is a geographic landline: E.164 when it
/// parses as a phone number, else its digits (not known to be a landline).
pub fn canonical_phone(raw: &str) -> Option<(String, bool)> {
    if let Ok(p) = crate::normalise::PhoneNumber::parse(raw) {
        return Some((p.e164().to_string(), p.kind() == crate::normalise::PhoneKind::Landline));
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 6).then_some((digits, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_lowercases_removes_accents_and_apostrophes_and_tidies_punctuation() {
        assert_eq!(fold("  Zoë  O'Brien-Smith "), "zoe obrien smith");
        assert_eq!(fold("ØSTERGÅRD"), "ostergard");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("José\u{301}"), "jose");
        assert_eq!(compact("smith jones"), "smithjones");
    }

    #[test]
    fn soundex_follows_the_american_rules() {
        assert_eq!(soundex("robert").as_deref(), Some("R163"));
        assert_eq!(soundex("rupert").as_deref(), Some("R163"));
        assert_eq!(soundex("ashcraft").as_deref(), Some("A261"));
        assert_eq!(soundex("tymczak").as_deref(), Some("T522"));
        assert_eq!(soundex("pfister").as_deref(), Some("P236"));
        assert_eq!(soundex("lee").as_deref(), Some("L000"));
        assert_eq!(soundex("123"), None);
    }

    #[test]
    fn titles_and_suffixes_are_split_out_of_name_fields() {
        let n = MatchName::new(None, Some("Dr John Paul"), None, Some("Smith Jnr"));
        assert_eq!(n.title.as_deref(), Some("dr"));
        assert_eq!(n.suffix, Some("jr"));
        assert_eq!(n.first.as_deref(), Some("john"));
        assert_eq!(n.middle, vec!["paul".to_string()]);
        assert_eq!(n.surname.as_deref(), Some("smith"));
    }

    #[test]
    fn a_title_field_is_canonicalised_and_honorifics_are_dropped() {
        let n = MatchName::new(Some("Mister"), Some("Anne"), Some("Marie"), Some("Jones OBE"));
        assert_eq!(n.title.as_deref(), Some("mr"));
        assert_eq!(n.suffix, None);
        assert_eq!(n.surname.as_deref(), Some("jones"));
        assert_eq!(n.middle, vec!["marie".to_string()]);
    }

    #[test]
    fn a_double_barrelled_surname_keeps_its_parts_and_a_joined_form() {
        let n = MatchName::new(None, Some("Ann"), None, Some("Smith-Jones"));
        assert_eq!(n.surname.as_deref(), Some("smith jones"));
        assert_eq!(n.surname_compact.as_deref(), Some("smithjones"));
        assert_eq!(n.surname_parts().collect::<Vec<_>>(), vec!["smith", "jones"]);
    }

    #[test]
    fn a_name_that_is_only_a_title_is_kept_as_a_name() {
        let n = MatchName::new(None, Some("Miss"), None, Some(""));
        assert_eq!(n.first.as_deref(), Some("miss"));
        assert_eq!(n.surname, None);
    }

    #[test]
    fn street_types_are_spelled_out_and_a_leading_st_is_a_saint() {
        let a = MatchAddress::parse(["12 St John's Rd"]);
        assert_eq!(a.number.as_deref(), Some("12"));
        assert_eq!(a.street.as_deref(), Some("saint johns road"));
        assert_eq!(a.street_key.as_deref(), Some("saintjohnsroad"));
        let b = MatchAddress::parse(["12 High St"]);
        assert_eq!(b.street.as_deref(), Some("high street"));
        let c = MatchAddress::parse(["4 Elm Ave."]);
        assert_eq!(c.street.as_deref(), Some("elm avenue"));
    }

    #[test]
    fn flats_numbers_house_names_and_localities_are_told_apart() {
        let a = MatchAddress::parse(["Flat 3, 12a Oak Road", "Headingley"]);
        assert_eq!(a.flat.as_deref(), Some("3"));
        assert_eq!(a.number.as_deref(), Some("12a"));
        assert_eq!(a.street.as_deref(), Some("oak road"));
        assert_eq!(a.locality.as_deref(), Some("headingley"));
        let b = MatchAddress::parse(["Rose Cottage", "Mill Lane"]);
        assert_eq!(b.name.as_deref(), Some("rose cottage"));
        assert_eq!(b.street.as_deref(), Some("mill lane"));
        assert_eq!(b.number, None);
        let c = MatchAddress::parse(["Apartment 2b", "7 Quay St"]);
        assert_eq!((c.flat.as_deref(), c.number.as_deref()), (Some("2b"), Some("7")));
        let d = MatchAddress::parse(["12-14 Market Sq"]);
        assert_eq!(d.number.as_deref(), Some("12-14"));
        assert_eq!(d.street.as_deref(), Some("market square"));
    }

    #[test]
    fn a_street_run_into_its_type_has_the_same_key() {
        let a = MatchAddress::parse(["177 pridhamstreet"]);
        let b = MatchAddress::parse(["177 Pridham St"]);
        assert_eq!(a.street_key, b.street_key);
    }

    #[test]
    fn uk_postcodes_give_sector_district_and_area_and_others_are_kept_compact() {
        let p = MatchPostcode::from_raw("ls6 2ab").unwrap();
        assert_eq!(p.full, "LS62AB");
        assert_eq!(p.sector.as_deref(), Some("LS6 2"));
        assert_eq!(p.district.as_deref(), Some("LS6"));
        assert_eq!(p.area.as_deref(), Some("LS"));
        let au = MatchPostcode::from_raw(" 2119 ").unwrap();
        assert_eq!((au.full.as_str(), au.district.as_deref()), ("2119", None));
        assert!(MatchPostcode::from_raw("  ").is_none());
    }

    #[test]
    fn gmail_ignores_dots_and_tags_and_googlemail_is_gmail() {
        assert_eq!(canonical_email("Jane.Doe+news@GoogleMail.com").as_deref(), Some("janedoe@gmail.com"));
        assert_eq!(canonical_email("j.a.n.e.doe@gmail.com").as_deref(), Some("janedoe@gmail.com"));
    }

    #[test]
    fn other_providers_keep_dots_and_only_tagging_providers_lose_tags() {
        assert_eq!(canonical_email("jane.doe+x@outlook.com").as_deref(), Some("jane.doe@outlook.com"));
        assert_eq!(canonical_email("jane.doe+x@example.co.uk").as_deref(), Some("jane.doe+x@example.co.uk"));
        assert_eq!(canonical_email("Jane.Doe@BTInternet.com").as_deref(), Some("jane.doe@btinternet.com"));
        assert_eq!(canonical_email("nobody"), None);
    }

    #[test]
    fn phones_are_e164_when_they_parse_and_digits_otherwise() {
        assert_eq!(canonical_phone("07700 900123"), Some(("+447700900123".to_string(), false)));
        assert_eq!(canonical_phone("+44 7700 900123"), Some(("+447700900123".to_string(), false)));
        assert_eq!(canonical_phone("0113 496 0000"), Some(("+441134960000".to_string(), true)));
        assert_eq!(canonical_phone("12"), None);
    }

    #[test]
    fn dates_of_birth_keep_their_digits_in_any_common_format() {
        let a = DobDigits::parse("19560409").unwrap();
        assert_eq!(a.as_str(), "19560409");
        assert_eq!(DobDigits::parse("1956-04-09"), Some(a));
        assert_eq!(DobDigits::parse("09/04/1956"), Some(a));
        // Impossible dates are kept: their digits still compare.
        assert_eq!(DobDigits::parse("19560431").unwrap().day(), "31");
        assert_eq!(DobDigits::parse("1956"), None);
    }

    #[test]
    fn a_day_month_swap_is_recognised_only_when_day_and_month_differ() {
        let a = DobDigits::parse("1980-03-04").unwrap();
        let b = DobDigits::parse("1980-04-03").unwrap();
        assert!(a.is_day_month_swap_of(&b));
        let c = DobDigits::parse("1980-03-03").unwrap();
        assert!(!c.is_day_month_swap_of(&c));
        assert!(!a.is_day_month_swap_of(&DobDigits::parse("1981-04-03").unwrap()));
    }
}
