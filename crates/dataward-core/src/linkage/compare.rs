//! Comparison levels: how two `MatchRecord`s agree, field by field.
//!
//! Each [`MatchField`] compares to one small integer *level*; level 0 is always "missing" (one
//! side has no value), which carries no weight. The levels, best first:
//!
//! | field | levels |
//! |---|---|
//! | first name | exact, nickname-equivalent, close (Jaro–Winkler ≥ 0.92 or one edit), near (Jaro–Winkler ≥ 0.85 or two edits), initial only, different |
//! | surname | exact, one part of a double-barrelled name, close, near, same Soundex, different |
//! | date of birth | exact, day and month transposed, one edit of the eight digits `YYYYMMDD` (a mistyped or transposed digit), two edits, different |
//! | location | same address, same address with a typo or a part missing, partly the same, same street or postcode, same area, different; and, when one side names no premises, same postcode |
//! | email | exact (canonical form), different |
//! | phone | a number in common, different (mobiles and other personal numbers; landlines that differ count as missing, because a landline belongs to the address) |
//! | national id | exact, one edit, two edits, different |
//!
//! **Location is one comparison, not three.** Premises (flat, number, name, street), postcode,
//! town and locality are scored together into one level, because they are not independent: a
//! mover changes them all at once, and treating them as three fields would count the move three
//! times. The score adds points for each part that agrees (premises 4 or 3, postcode 3, 2 for
//! the same sector or a one-character typo, 1 for the same district, town 2 or 1, locality 1)
//! and subtracts for each that differs (premises and postcode 2, town 1). When one side names
//! no premises at all (a client's query with a name, a date of birth and a postcode), the
//! premises are missing, not different: the same postcode is its own level, and anything less
//! is at most the same area.
//!
//! Names written in each other's field (first name in the surname column and vice versa) are
//! compared crossed over when that fits much better, and a name that moved to the other column
//! alone still agrees exactly. A street and a locality written in each other's lines still
//! agree. Records whose generational suffixes differ ("Jr" and "Sr") never agree on the first
//! name.
//!
//! The score levels are where the levels end; how much each level weighs is learnt from the data
//! (see [`super::train`]).

use serde::{Deserialize, Serialize};

use super::normalise::{DobDigits, MatchAddress, MatchName, MatchPostcode};
use super::record::MatchRecord;
use super::similarity::{jaro_winkler_from, osa_within};

/// The number of compared fields.
pub const FIELDS: usize = 7;

/// A compared field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchField {
    FirstName,
    Surname,
    DateOfBirth,
    /// Address, postcode and town together.
    Location,
    Email,
    Phone,
    NationalId,
}

/// How a field's level reads in an explanation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Agree,
    /// Close but not equal: a typo, a nickname, a part of the address.
    Partial,
    Disagree,
    Missing,
}

/// One comparison level of a field: its name, how it reads, and the m and u probabilities an
/// untrained model starts from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    pub name: &'static str,
    pub outcome: Outcome,
    pub default_m: f64,
    pub default_u: f64,
}

const fn level(name: &'static str, outcome: Outcome, default_m: f64, default_u: f64) -> Level {
    Level { name, outcome, default_m, default_u }
}

const MISSING: Level = level("missing", Outcome::Missing, 1.0, 1.0);

/// Level numbers of each field.
pub mod levels {
    pub const MISSING: u8 = 0;
    pub mod first {
        pub const EXACT: u8 = 1;
        pub const NICKNAME: u8 = 2;
        pub const CLOSE: u8 = 3;
        pub const NEAR: u8 = 4;
        pub const INITIAL: u8 = 5;
        pub const DIFFERENT: u8 = 6;
    }
    pub mod surname {
        pub const EXACT: u8 = 1;
        pub const PART: u8 = 2;
        pub const CLOSE: u8 = 3;
        pub const NEAR: u8 = 4;
        pub const PHONETIC: u8 = 5;
        pub const DIFFERENT: u8 = 6;
    }
    pub mod dob {
        pub const EXACT: u8 = 1;
        pub const SWAPPED: u8 = 2;
        pub const ONE_DIGIT: u8 = 3;
        pub const TWO_DIGITS: u8 = 4;
        pub const DIFFERENT: u8 = 5;
    }
    pub mod location {
        pub const SAME_ADDRESS: u8 = 1;
        pub const ADDRESS_FUZZY: u8 = 2;
        pub const PARTLY: u8 = 3;
        pub const STREET_OR_POSTCODE: u8 = 4;
        pub const SAME_AREA: u8 = 5;
        pub const DIFFERENT: u8 = 6;
        /// The same postcode where one side names no premises. Numbered last so that models
        /// saved before it existed still read (see [`super::super::model::ModelParams`]).
        pub const SAME_POSTCODE: u8 = 7;
    }
    pub mod email {
        pub const EXACT: u8 = 1;
        pub const DIFFERENT: u8 = 2;
    }
    pub mod phone {
        pub const SHARED: u8 = 1;
        pub const DIFFERENT: u8 = 2;
    }
    pub mod national_id {
        pub const EXACT: u8 = 1;
        pub const ONE_EDIT: u8 = 2;
        pub const TWO_EDITS: u8 = 3;
        pub const DIFFERENT: u8 = 4;
    }
}

use Outcome::{Agree, Disagree, Partial};

const FIRST_LEVELS: &[Level] = &[
    MISSING,
    level("exact", Agree, 0.85, 0.01),
    level("nickname", Agree, 0.02, 0.001),
    level("close", Partial, 0.05, 0.005),
    level("near", Partial, 0.03, 0.02),
    level("initial", Partial, 0.01, 0.01),
    level("different", Disagree, 0.04, 0.954),
];
const SURNAME_LEVELS: &[Level] = &[
    MISSING,
    level("exact", Agree, 0.88, 0.005),
    level("double_barrelled_part", Partial, 0.01, 0.0005),
    level("close", Partial, 0.05, 0.002),
    level("near", Partial, 0.02, 0.01),
    level("phonetic", Partial, 0.01, 0.01),
    level("different", Disagree, 0.03, 0.9725),
];
const DOB_LEVELS: &[Level] = &[
    MISSING,
    level("exact", Agree, 0.9, 0.00005),
    level("day_month_swapped", Partial, 0.02, 0.00002),
    level("one_digit", Partial, 0.04, 0.002),
    level("two_digits", Partial, 0.02, 0.02),
    level("different", Disagree, 0.02, 0.97793),
];
const LOCATION_LEVELS: &[Level] = &[
    MISSING,
    level("same_address", Agree, 0.8, 0.00002),
    level("same_address_fuzzy", Agree, 0.05, 0.00003),
    level("partly_same", Partial, 0.04, 0.0002),
    level("same_street_or_postcode", Partial, 0.02, 0.001),
    level("same_area", Partial, 0.03, 0.02),
    level("different", Disagree, 0.05, 0.97873),
    level("same_postcode_premises_missing", Agree, 0.01, 0.00002),
];
const EMAIL_LEVELS: &[Level] =
    &[MISSING, level("exact", Agree, 0.9, 0.00001), level("different", Disagree, 0.1, 0.99999)];
const PHONE_LEVELS: &[Level] =
    &[MISSING, level("shared", Agree, 0.85, 0.00001), level("different", Disagree, 0.15, 0.99999)];
const NATIONAL_ID_LEVELS: &[Level] = &[
    MISSING,
    level("exact", Agree, 0.9, 0.0000002),
    level("one_edit", Partial, 0.05, 0.00002),
    level("two_edits", Partial, 0.02, 0.0005),
    level("different", Disagree, 0.03, 0.9994798),
];

impl MatchField {
    pub const ALL: [MatchField; FIELDS] = [
        MatchField::FirstName,
        MatchField::Surname,
        MatchField::DateOfBirth,
        MatchField::Location,
        MatchField::Email,
        MatchField::Phone,
        MatchField::NationalId,
    ];

    /// Position in [`MatchField::ALL`] and in a [`Gamma`].
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MatchField::FirstName => "first_name",
            MatchField::Surname => "surname",
            MatchField::DateOfBirth => "date_of_birth",
            MatchField::Location => "location",
            MatchField::Email => "email",
            MatchField::Phone => "phone",
            MatchField::NationalId => "national_id",
        }
    }

    /// The field's levels; index 0 is "missing".
    pub fn levels(self) -> &'static [Level] {
        match self {
            MatchField::FirstName => FIRST_LEVELS,
            MatchField::Surname => SURNAME_LEVELS,
            MatchField::DateOfBirth => DOB_LEVELS,
            MatchField::Location => LOCATION_LEVELS,
            MatchField::Email => EMAIL_LEVELS,
            MatchField::Phone => PHONE_LEVELS,
            MatchField::NationalId => NATIONAL_ID_LEVELS,
        }
    }

    /// The level whose exact agreement is adjusted by term frequency, if any.
    pub fn term_frequency_level(self) -> Option<u8> {
        match self {
            MatchField::FirstName => Some(levels::first::EXACT),
            MatchField::Surname => Some(levels::surname::EXACT),
            _ => None,
        }
    }
}

impl std::fmt::Display for MatchField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The comparison vector of a pair: one level per field, plus the keys of the names that
/// agreed exactly (for term-frequency adjustment). `Debug` shows the levels only: the keys are
/// hashes of names.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Gamma {
    pub levels: [u8; FIELDS],
    /// Hash key ([`term_key`]) of the exactly agreeing first name.
    pub first_key: Option<u64>,
    /// Hash key of the exactly agreeing surname.
    pub surname_key: Option<u64>,
}

impl std::fmt::Debug for Gamma {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gamma").field("levels", &self.levels).finish_non_exhaustive()
    }
}

impl Gamma {
    pub fn level(&self, field: MatchField) -> u8 {
        self.levels[field.index()]
    }

    /// The over-merge guard: the two records disagree on date of birth (by more than a typo or a
    /// day/month swap) and share no contact detail or identifier. Such records are never linked,
    /// however alike their names: relatives look like this.
    ///
    /// The contact details are an email, a phone number, a national id within one keystroke,
    /// and the premises (the same address, or the same address with a typo or a part missing).
    /// A household shares its address, so the premises count only while nothing personal
    /// contradicts them: when the two records' emails differ, or their personal numbers all
    /// differ, the shared address is the household's, not the person's. What is left
    /// unguarded is two records with one name at one address, different dates of birth, and no
    /// email or personal number on one side or the other: a partner's mistyped or invented date
    /// (the common case in web-sourced data, and FEBRL's) looks exactly like a father and son of
    /// one name living together. Differing generational suffixes ("Jr" and "Sr") still keep
    /// those apart (the first names then disagree).
    pub fn is_incompatible(&self) -> bool {
        use levels::{email, location, phone};
        let personal_contact_differs =
            self.level(MatchField::Email) == email::DIFFERENT || self.level(MatchField::Phone) == phone::DIFFERENT;
        let shares_premises =
            matches!(self.level(MatchField::Location), location::SAME_ADDRESS | location::ADDRESS_FUZZY);
        let premises_count = shares_premises && !personal_contact_differs;
        self.is_incompatible_for_query() && !premises_count
    }

    /// The guard for a query (a client's customer, a rights requester), whose answer discloses:
    /// as [`Gamma::is_incompatible`], but the premises never count as a shared contact. A
    /// tracing client's query usually carries a name, an address and a date of birth and no
    /// contact detail, so a query with a son's date would otherwise be answered with his father
    /// of one name at one address. A query that meets such a record is at best possible, for
    /// review.
    pub fn is_incompatible_for_query(&self) -> bool {
        use levels::{email, national_id, phone};
        let shares_contact = self.level(MatchField::Email) == email::EXACT
            || self.level(MatchField::Phone) == phone::SHARED
            || matches!(self.level(MatchField::NationalId), national_id::EXACT | national_id::ONE_EDIT);
        self.level(MatchField::DateOfBirth) == levels::dob::DIFFERENT && !shares_contact
    }
}

/// A stable 64-bit key for a value (FNV-1a), used for term frequencies so that the table holds no
/// names in clear. Stable across platforms and releases: saved models depend on it.
pub fn term_key(value: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in value.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Compares two records.
pub fn compare(a: &MatchRecord, b: &MatchRecord) -> Gamma {
    let (first, first_key, surname, surname_key) = compare_names(a, b);
    Gamma {
        levels: [
            first,
            surname,
            compare_dob(a.dob.as_ref(), b.dob.as_ref()),
            compare_location(a, b),
            compare_email(a.email.as_deref(), b.email.as_deref()),
            compare_phones(a, b),
            compare_national_id(a.national_id.as_deref(), b.national_id.as_deref()),
        ],
        first_key,
        surname_key,
    }
}

fn both<'a, T: ?Sized>(a: Option<&'a T>, b: Option<&'a T>) -> Option<(&'a T, &'a T)> {
    Some((a?, b?))
}

/// First name and surname levels, trying the names crossed over when they fit better that way.
fn compare_names(ra: &MatchRecord, rb: &MatchRecord) -> (u8, Option<u64>, u8, Option<u64>) {
    let (a, b) = (&ra.name, &rb.name);
    let (mut first, mut first_key) = compare_first(a, b);
    let (surname, surname_key) = compare_surname(ra, rb);
    if let (Some(s1), Some(s2)) = (a.suffix, b.suffix)
        && s1 != s2
    {
        first = levels::first::DIFFERENT;
        first_key = None;
    }
    let weak = |f: u8, s: u8| f >= levels::first::NEAR && s >= levels::surname::NEAR;
    if weak(first, surname)
        && let (Some(af), Some(asur), Some(bf), Some(bsur)) =
            (&a.first_compact, &a.surname_compact, &b.first_compact, &b.surname_compact)
        && similar(af, bsur)
        && similar(asur, bf)
    {
        // Names in each other's columns: compare them crossed over.
        let crossed_first = if af == bsur { levels::first::EXACT } else { levels::first::CLOSE };
        let crossed_surname = if asur == bf { levels::surname::EXACT } else { levels::surname::CLOSE };
        let fk = (crossed_first == levels::first::EXACT).then(|| term_key(af));
        let sk = (crossed_surname == levels::surname::EXACT).then(|| term_key(asur));
        return (crossed_first, fk, crossed_surname, sk);
    }
    if weak(first, surname)
        && let (Some(af), Some(asur), Some(bf), Some(bsur)) =
            (&a.first_compact, &a.surname_compact, &b.first_compact, &b.surname_compact)
    {
        // One name moved to the other column (and the other name lost): the moved name agrees
        // exactly, the two left over are compared with each other. No term-frequency key: the
        // frequency of a first name as a surname is not known.
        let leftover = if asur == bf && asur.len() >= 2 {
            Some((af, bsur))
        } else if af == bsur && af.len() >= 2 {
            Some((asur, bf))
        } else {
            None
        };
        if let Some((x, y)) = leftover {
            let first = match closeness(x, y) {
                _ if x == y => levels::first::EXACT,
                Some(true) => levels::first::CLOSE,
                Some(false) => levels::first::NEAR,
                None => levels::first::DIFFERENT,
            };
            return (first, None, levels::surname::EXACT, None);
        }
    }
    (first, first_key, surname, surname_key)
}

fn similar(a: &str, b: &str) -> bool {
    a == b || (a.len() >= 4 && b.len() >= 4 && jaro_winkler_from(a, b, 0.92) >= 0.92)
}

/// The close and near levels shared by first names and surnames: Jaro–Winkler ≥ 0.92 or one
/// edit (names of five letters or more) is close; ≥ 0.85 or two edits (six or more) is near.
fn closeness(a: &str, b: &str) -> Option<bool> {
    let jw = jaro_winkler_from(a, b, 0.85);
    if jw >= 0.92 {
        return Some(true);
    }
    let shortest = a.len().min(b.len());
    let edits = if shortest >= 5 { osa_within(a, b, 2) } else { usize::MAX };
    if edits <= 1 {
        Some(true)
    } else if jw >= 0.85 || (edits <= 2 && shortest >= 6) {
        Some(false)
    } else {
        None
    }
}

fn compare_first(a: &MatchName, b: &MatchName) -> (u8, Option<u64>) {
    use levels::first::*;
    let (Some((af, bf)), Some((ac, bc))) =
        (both(a.first.as_deref(), b.first.as_deref()), both(a.first_compact.as_deref(), b.first_compact.as_deref()))
    else {
        return (levels::MISSING, None);
    };
    if ac == bc {
        return (EXACT, Some(term_key(ac)));
    }
    if af == bf && af.len() >= 2 {
        return (EXACT, Some(term_key(af)));
    }
    if a.first_groups.iter().any(|g| b.first_groups.contains(g)) {
        return (NICKNAME, None);
    }
    let single = |s: &str| s.len() <= 4 && s.chars().nth(1).is_none();
    if single(ac) || single(bc) {
        return (if ac.chars().next() == bc.chars().next() { INITIAL } else { DIFFERENT }, None);
    }
    match closeness(ac, bc) {
        Some(true) => (CLOSE, None),
        Some(false) => (NEAR, None),
        None => (DIFFERENT, None),
    }
}

fn compare_surname(ra: &MatchRecord, rb: &MatchRecord) -> (u8, Option<u64>) {
    use levels::surname::*;
    let (a, b) = (&ra.name, &rb.name);
    let (Some((a, b)), Some((ac, bc))) = (
        both(a.surname.as_deref(), b.surname.as_deref()),
        both(a.surname_compact.as_deref(), b.surname_compact.as_deref()),
    ) else {
        return (levels::MISSING, None);
    };
    if ac == bc {
        return (EXACT, Some(term_key(ac)));
    }
    let close = closeness(ac, bc);
    if close == Some(true) {
        return (CLOSE, None);
    }
    // A space in the surname (its parts) shows as a difference from its joined-up form.
    if a.len() != ac.len() || b.len() != bc.len() {
        let parts_a: Vec<&str> = a.split(' ').filter(|p| p.len() >= 2).collect();
        if b.split(' ').filter(|p| p.len() >= 2).any(|p| parts_a.contains(&p)) {
            return (PART, None);
        }
    }
    match close {
        Some(true) => (CLOSE, None),
        Some(false) => (NEAR, None),
        None if ra.surname_soundex.is_some() && ra.surname_soundex == rb.surname_soundex => (PHONETIC, None),
        None => (DIFFERENT, None),
    }
}

fn compare_dob(a: Option<&DobDigits>, b: Option<&DobDigits>) -> u8 {
    use levels::dob::*;
    let Some((a, b)) = both(a, b) else {
        return levels::MISSING;
    };
    if a == b {
        return EXACT;
    }
    if a.is_day_month_swap_of(b) {
        return SWAPPED;
    }
    // More than four digits in different places cannot be two edits of a date.
    let differing = a.0.iter().zip(&b.0).filter(|(x, y)| x != y).count();
    if differing > 4 {
        return DIFFERENT;
    }
    match osa_within(a.as_str(), b.as_str(), 2) {
        1 => ONE_DIGIT,
        2 => TWO_DIGITS,
        _ => DIFFERENT,
    }
}

fn compare_email(a: Option<&str>, b: Option<&str>) -> u8 {
    match both(a, b) {
        None => levels::MISSING,
        Some((a, b)) if a == b => levels::email::EXACT,
        Some(_) => levels::email::DIFFERENT,
    }
}

/// Any number in common agrees; personal numbers that all differ disagree. Landlines that differ
/// say nothing: a landline belongs to the address, which the location comparison already covers.
fn compare_phones(a: &MatchRecord, b: &MatchRecord) -> u8 {
    let all_b = || b.phones.iter().chain(&b.landlines);
    if a.phones.iter().chain(&a.landlines).any(|p| all_b().any(|q| q == p)) {
        levels::phone::SHARED
    } else if !a.phones.is_empty() && !b.phones.is_empty() {
        levels::phone::DIFFERENT
    } else {
        levels::MISSING
    }
}

fn compare_national_id(a: Option<&str>, b: Option<&str>) -> u8 {
    use levels::national_id::*;
    let Some((a, b)) = both(a, b) else {
        return levels::MISSING;
    };
    if a == b {
        return EXACT;
    }
    match osa_within(a, b, 2) {
        1 => ONE_EDIT,
        2 => TWO_EDITS,
        _ => DIFFERENT,
    }
}

/// Agreement of one part of a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Missing,
    Exact,
    Close,
    /// Postcodes only: the same district.
    District,
    Differ,
}

fn text_part(a: Option<&str>, b: Option<&str>, close_at: f64) -> Part {
    match both(a, b) {
        None => Part::Missing,
        Some((a, b)) if a == b => Part::Exact,
        Some((a, b)) if jaro_winkler_from(a, b, close_at) >= close_at => Part::Close,
        Some(_) => Part::Differ,
    }
}

/// Premises: flat, number, house name and street.
fn premises(a: &MatchAddress, b: &MatchAddress) -> Part {
    let mut street = text_part(a.street_key.as_deref(), b.street_key.as_deref(), 0.88);
    if street == Part::Differ {
        // The street and the locality written in each other's lines.
        let crossed = [
            text_part(a.street_key.as_deref(), b.locality_key.as_deref(), 0.88),
            text_part(a.locality_key.as_deref(), b.street_key.as_deref(), 0.88),
        ];
        if let Some(&best) = crossed.iter().find(|p| matches!(p, Part::Exact | Part::Close)) {
            street = if best == Part::Exact { Part::Exact } else { Part::Close };
        }
    }
    let name = text_part(a.name.as_deref(), b.name.as_deref(), 0.9);
    if street == Part::Missing && name == Part::Missing {
        return Part::Missing;
    }
    let number = match both(a.number.as_deref(), b.number.as_deref()) {
        None => Part::Missing,
        Some((x, y)) if x == y => Part::Exact,
        // Two digits keyed the wrong way round (26 and 62) are the commonest slip in a number
        // and leave the premises close, as the same slip in a date of birth does.
        Some((x, y)) if is_adjacent_transposition(x, y) => Part::Close,
        // Any other different number is a different house, even one keystroke away (12 and 14).
        Some(_) => Part::Differ,
    };
    let flat_differs = matches!(both(a.flat.as_deref(), b.flat.as_deref()), Some((x, y)) if x != y);
    if flat_differs || number == Part::Differ || name == Part::Differ && street != Part::Exact {
        return Part::Differ;
    }
    let street_agrees = matches!(street, Part::Exact | Part::Close);
    if (street == Part::Exact && number == Part::Exact) || (name == Part::Exact && street != Part::Differ) {
        Part::Exact
    } else if street_agrees && number != Part::Differ {
        Part::Close
    } else {
        Part::Differ
    }
}

/// Whether `b` is `a` with two adjacent characters swapped (and nothing else changed).
fn is_adjacent_transposition(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let differ: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    matches!(differ[..], [i, j] if j == i + 1 && a[i] == b[j] && a[j] == b[i])
}

fn postcode(a: Option<&MatchPostcode>, b: Option<&MatchPostcode>) -> Part {
    let Some((a, b)) = both(a, b) else {
        return Part::Missing;
    };
    if a.full == b.full {
        Part::Exact
    } else if (a.sector.is_some() && a.sector == b.sector) || osa_within(&a.full, &b.full, 1) <= 1 {
        Part::Close
    } else if a.district.is_some() && a.district == b.district {
        Part::District
    } else {
        Part::Differ
    }
}

/// The parts of two locations compared, and their score (see the module documentation).
struct LocationParts {
    premises: Part,
    postcode: Part,
    town: Part,
    score: i32,
}

/// The location parts and score; `None` when nothing is comparable.
fn location_parts(a: &MatchRecord, b: &MatchRecord) -> Option<LocationParts> {
    let p = premises(&a.address, &b.address);
    let pc = postcode(a.postcode.as_ref(), b.postcode.as_ref());
    let t = text_part(a.town.as_deref(), b.town.as_deref(), 0.9);
    let locality = text_part(a.address.locality.as_deref(), b.address.locality.as_deref(), 0.95);
    if p == Part::Missing && pc == Part::Missing && t == Part::Missing && locality != Part::Exact {
        return None;
    }
    let p_points = match p {
        Part::Exact => 4,
        Part::Close => 3,
        Part::Differ => -2,
        _ => 0,
    };
    let pc_points = match pc {
        Part::Exact => 3,
        Part::Close => 2,
        Part::District => 1,
        Part::Differ => -2,
        Part::Missing => 0,
    };
    // A postcode names its post town: when one record has no town, an exact postcode stands
    // for it, so that a record without a town can still show the same address.
    let t_points = match t {
        Part::Exact => 2,
        Part::Missing if pc == Part::Exact => 2,
        Part::Close => 1,
        Part::Differ => -1,
        _ => 0,
    };
    let l_points = i32::from(locality == Part::Exact);
    Some(LocationParts { premises: p, postcode: pc, town: t, score: p_points + pc_points + t_points + l_points })
}

fn compare_location(a: &MatchRecord, b: &MatchRecord) -> u8 {
    use levels::location::*;
    let Some(parts) = location_parts(a, b) else {
        return levels::MISSING;
    };
    if parts.premises == Part::Missing {
        // One side names no premises (a query with a postcode only): the premises are missing,
        // not different, and the address levels, which say how premises compare, do not apply.
        return if parts.postcode == Part::Exact && parts.town != Part::Differ {
            SAME_POSTCODE
        } else if parts.score >= 1 {
            SAME_AREA
        } else {
            DIFFERENT
        };
    }
    match parts.score {
        s if s >= 8 => SAME_ADDRESS,
        s if s >= 6 => ADDRESS_FUZZY,
        s if s >= 4 => PARTLY,
        3 => STREET_OR_POSTCODE,
        s if s >= 1 => SAME_AREA,
        _ => DIFFERENT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linkage::record::RecordParts;

    fn rec(p: RecordParts<'_>) -> MatchRecord {
        MatchRecord::from_parts(&p)
    }

    fn named(first: &str, surname: &str) -> MatchRecord {
        rec(RecordParts { first_name: Some(first), surname: Some(surname), ..RecordParts::default() })
    }

    fn first_level(a: &str, b: &str) -> u8 {
        compare(&named(a, "Smith"), &named(b, "Smith")).level(MatchField::FirstName)
    }

    fn surname_level(a: &str, b: &str) -> u8 {
        compare(&named("Ann", a), &named("Ann", b)).level(MatchField::Surname)
    }

    #[test]
    fn every_field_has_missing_as_level_zero_and_defaults_that_sum_to_one() {
        for field in MatchField::ALL {
            let levels = field.levels();
            assert_eq!(levels[0].outcome, Outcome::Missing, "{field}");
            let m: f64 = levels[1..].iter().map(|l| l.default_m).sum();
            let u: f64 = levels[1..].iter().map(|l| l.default_u).sum();
            assert!((m - 1.0).abs() < 1e-9 && (u - 1.0).abs() < 1e-9, "{field}: m {m} u {u}");
        }
    }

    #[test]
    fn first_names_compare_exact_nickname_close_near_initial_and_different() {
        use levels::first::*;
        assert_eq!(first_level("Robert", "ROBERT"), EXACT);
        assert_eq!(first_level("Bob", "Robert"), NICKNAME);
        assert_eq!(first_level("Jonathon", "Jonathan"), CLOSE);
        assert_eq!(first_level("Catherine", "Catharine"), CLOSE);
        assert_eq!(first_level("Stephen", "Stepehn"), CLOSE);
        assert_eq!(first_level("Marian", "Marion"), CLOSE);
        assert_eq!(first_level("Jon", "Joan"), CLOSE);
        assert_eq!(first_level("Kristina", "Christina"), NEAR);
        assert_eq!(first_level("Rebekah", "Rebecca"), NEAR);
        assert_eq!(first_level("Dwayne", "Duane"), DIFFERENT);
        assert_eq!(first_level("J", "John"), INITIAL);
        assert_eq!(first_level("Robert", "William"), DIFFERENT);
        assert_eq!(first_level("J", "Paul"), DIFFERENT);
    }

    #[test]
    fn a_first_name_with_a_middle_name_run_in_still_agrees_exactly() {
        assert_eq!(first_level("John Paul", "John"), levels::first::EXACT);
        assert_eq!(first_level("Mar y", "Mary"), levels::first::EXACT);
    }

    #[test]
    fn surnames_compare_exact_part_close_near_phonetic_and_different() {
        use levels::surname::*;
        assert_eq!(surname_level("O'Brien", "OBRIEN"), EXACT);
        assert_eq!(surname_level("Smith-Jones", "Jones"), PART);
        // A typo in a double-barrelled name is a typo, not a shared part.
        assert_eq!(surname_level("Smith-Jones", "Smith-Jnoes"), CLOSE);
        assert_eq!(surname_level("Smith Jones", "Smith-Jones"), EXACT);
        assert_eq!(surname_level("Thompson", "Thomspon"), CLOSE);
        assert_eq!(surname_level("Robinson", "Robertson"), NEAR);
        assert_eq!(surname_level("Meyer", "Mair"), PHONETIC);
        assert_eq!(surname_level("Smith", "Patel"), DIFFERENT);
    }

    #[test]
    fn names_written_in_each_others_columns_are_compared_crossed_over() {
        let g = compare(&named("Smith", "Wendy"), &named("Wendy", "Smith"));
        assert_eq!(g.level(MatchField::FirstName), levels::first::EXACT);
        assert_eq!(g.level(MatchField::Surname), levels::surname::EXACT);
        assert_eq!(g.first_key, Some(term_key("smith")));
    }

    #[test]
    fn a_name_moved_to_the_other_column_still_agrees() {
        let g = compare(&named("Flynn", "Weller"), &named("Weller", "Ebony"));
        assert_eq!(g.level(MatchField::Surname), levels::surname::EXACT);
        assert_eq!(g.level(MatchField::FirstName), levels::first::DIFFERENT);
        assert_eq!(g.surname_key, None);
    }

    #[test]
    fn a_street_and_locality_written_in_each_others_lines_still_agree() {
        let a = place(vec!["23 Woollum Street", "Allunga"], "Surrey Hills", "2870");
        let b = place(vec!["23 Allunga", "Woollum Street"], "Surrey Hills", "2870");
        assert_eq!(location(&a, &b), levels::location::SAME_ADDRESS);
    }

    #[test]
    fn different_generational_suffixes_never_agree_on_the_first_name() {
        let g = compare(&named("John", "Smith Jr"), &named("John", "Smith Sr"));
        assert_eq!(g.level(MatchField::FirstName), levels::first::DIFFERENT);
        assert_eq!(g.level(MatchField::Surname), levels::surname::EXACT);
    }

    #[test]
    fn exact_names_carry_their_term_frequency_keys() {
        let g = compare(&named("Ann", "Smith"), &named("ann", "smith"));
        assert_eq!(g.first_key, Some(term_key("ann")));
        assert_eq!(g.surname_key, Some(term_key("smith")));
        assert_eq!(compare(&named("Ann", "Smith"), &named("Bob", "Smyth")).first_key, None);
    }

    fn dob_level(a: &str, b: &str) -> u8 {
        let r = |d| rec(RecordParts { date_of_birth: Some(d), ..RecordParts::default() });
        compare(&r(a), &r(b)).level(MatchField::DateOfBirth)
    }

    #[test]
    fn dates_of_birth_compare_exact_swapped_one_digit_two_digits_and_different() {
        use levels::dob::*;
        assert_eq!(dob_level("1980-03-04", "04/03/1980"), EXACT);
        assert_eq!(dob_level("1980-03-04", "1980-04-03"), SWAPPED);
        assert_eq!(dob_level("19800304", "19800305"), ONE_DIGIT);
        assert_eq!(dob_level("19800304", "19080304"), ONE_DIGIT);
        assert_eq!(dob_level("19800304", "19810305"), TWO_DIGITS);
        assert_eq!(dob_level("19800304", "19671125"), DIFFERENT);
        assert_eq!(dob_level("19800304", ""), levels::MISSING);
    }

    #[test]
    fn emails_compare_in_canonical_form() {
        let r = |e| rec(RecordParts { email: Some(e), ..RecordParts::default() });
        let level = |a, b| compare(&r(a), &r(b)).level(MatchField::Email);
        assert_eq!(level("Jane.Doe@gmail.com", "janedoe+x@googlemail.com"), levels::email::EXACT);
        assert_eq!(level("jane.doe@example.com", "janedoe@example.com"), levels::email::DIFFERENT);
    }

    #[test]
    fn phones_agree_when_any_number_is_shared() {
        let r = |p: Vec<&'static str>| rec(RecordParts { phones: p, ..RecordParts::default() });
        let level = |a, b| compare(&r(a), &r(b)).level(MatchField::Phone);
        assert_eq!(level(vec!["07700 900123", "0113 496 0000"], vec!["+447700900123"]), levels::phone::SHARED);
        assert_eq!(level(vec!["07700 900123"], vec!["07700 900124"]), levels::phone::DIFFERENT);
        assert_eq!(level(vec![], vec!["07700 900124"]), levels::MISSING);
        // A shared landline agrees; different landlines are part of the address, not a disagreement.
        assert_eq!(level(vec!["0113 496 0000"], vec!["07700 900124", "0113 496 0000"]), levels::phone::SHARED);
        assert_eq!(
            level(vec!["0113 496 0000", "07700 900124"], vec!["0117 496 0000", "07700 900124"]),
            levels::phone::SHARED
        );
        assert_eq!(level(vec!["0113 496 0000"], vec!["0117 496 0000"]), levels::MISSING);
    }

    #[test]
    fn national_ids_compare_exact_one_edit_two_edits_and_different() {
        let r = |n| rec(RecordParts { national_id: Some(n), ..RecordParts::default() });
        let level = |a, b| compare(&r(a), &r(b)).level(MatchField::NationalId);
        use levels::national_id::*;
        assert_eq!(level("1804974", "1804974"), EXACT);
        assert_eq!(level("1804974", "1809474"), ONE_EDIT);
        assert_eq!(level("1804974", "1814975"), TWO_EDITS);
        assert_eq!(level("1804974", "5304218"), DIFFERENT);
    }

    fn place(lines: Vec<&'static str>, town: &'static str, postcode: &'static str) -> MatchRecord {
        rec(RecordParts { address_lines: lines, town: Some(town), postcode: Some(postcode), ..RecordParts::default() })
    }

    fn location(a: &MatchRecord, b: &MatchRecord) -> u8 {
        compare(a, b).level(MatchField::Location)
    }

    #[test]
    fn the_same_address_written_differently_is_the_same_address() {
        let a = place(vec!["12 Oak Road"], "Leeds", "LS6 2AB");
        let b = place(vec!["12 oak rd"], "LEEDS", "ls62ab");
        assert_eq!(location(&a, &b), levels::location::SAME_ADDRESS);
    }

    #[test]
    fn a_typo_or_a_missing_part_gives_the_fuzzy_address_level() {
        let a = place(vec!["12 Oak Road"], "Leeds", "LS6 2AB");
        let typo = place(vec!["12 Oka Road"], "Leeds", "LS6 2AD");
        assert_eq!(location(&a, &typo), levels::location::ADDRESS_FUZZY);
        let no_postcode =
            rec(RecordParts { address_lines: vec!["12 Oak Road"], town: Some("Leeds"), ..RecordParts::default() });
        assert_eq!(location(&a, &no_postcode), levels::location::ADDRESS_FUZZY);
    }

    #[test]
    fn an_exact_postcode_stands_for_a_missing_town() {
        let a = place(vec!["12 Oak Road"], "Leeds", "LS6 2AB");
        let no_town = rec(RecordParts {
            address_lines: vec!["12 Oak Road"],
            postcode: Some("LS6 2AB"),
            ..RecordParts::default()
        });
        assert_eq!(location(&a, &no_town), levels::location::SAME_ADDRESS);
    }

    #[test]
    fn neighbours_share_the_street_or_postcode_and_another_flat_is_not_the_same_address() {
        let a = place(vec!["12 Oak Road"], "Leeds", "LS6 2AB");
        let next_door = place(vec!["14 Oak Road"], "Leeds", "LS6 2AB");
        assert_eq!(location(&a, &next_door), levels::location::STREET_OR_POSTCODE);
        let flat1 = place(vec!["Flat 1", "12 Oak Road"], "Leeds", "LS6 2AB");
        let flat2 = place(vec!["Flat 2", "12 Oak Road"], "Leeds", "LS6 2AB");
        assert_eq!(location(&flat1, &flat2), levels::location::STREET_OR_POSTCODE);
    }

    #[test]
    fn a_house_number_with_two_digits_swapped_is_a_close_address_and_another_number_is_not() {
        let a = place(vec!["26 Oak Road"], "Leeds", "LS6 2AB");
        let swapped = place(vec!["62 Oak Road"], "Leeds", "LS6 2AB");
        assert_eq!(location(&a, &swapped), levels::location::SAME_ADDRESS);
        let swapped_elsewhere = place(vec!["62 Oak Road"], "Leeds", "LS6 4QT");
        assert_eq!(location(&a, &swapped_elsewhere), levels::location::ADDRESS_FUZZY);
        let other = place(vec!["29 Oak Road"], "Leeds", "LS6 2AB");
        assert_eq!(location(&a, &other), levels::location::STREET_OR_POSTCODE);
        assert!(is_adjacent_transposition("26", "62") && is_adjacent_transposition("123", "132"));
        assert!(!is_adjacent_transposition("26", "26") && !is_adjacent_transposition("123", "321"));
    }

    #[test]
    fn the_same_street_elsewhere_and_the_same_district_are_the_same_area_at_most() {
        let a = place(vec!["12 Oak Road"], "Leeds", "LS6 2AB");
        let elsewhere = place(vec!["12 Oak Road"], "York", "YO1 7HH");
        assert_eq!(location(&a, &elsewhere), levels::location::SAME_AREA);
        let same_district = place(vec!["3 Elm Close"], "Leeds", "LS6 4QT");
        assert_eq!(location(&a, &same_district), levels::location::SAME_AREA);
    }

    #[test]
    fn a_mover_differs_once_on_location_not_three_times() {
        let before = place(vec!["12 Oak Road"], "Leeds", "LS6 2AB");
        let after = place(vec!["7 Mill Lane"], "Bristol", "BS1 4DJ");
        let g = compare(&before, &after);
        assert_eq!(g.level(MatchField::Location), levels::location::DIFFERENT);
        // Address, postcode and town are one field: nothing else records the move.
        assert!(g.levels.iter().enumerate().all(|(i, l)| i == MatchField::Location.index() || *l == 0));
    }

    #[test]
    fn a_postcode_without_premises_is_the_same_postcode_not_a_partial_or_different_address() {
        let full = place(vec!["Flat 2", "12 Oak Road"], "Leeds", "LS6 2AB");
        let postcode_only = rec(RecordParts { postcode: Some("ls6 2ab"), ..RecordParts::default() });
        assert_eq!(location(&full, &postcode_only), levels::location::SAME_POSTCODE);
        assert_eq!(location(&postcode_only, &full), levels::location::SAME_POSTCODE);
        let with_town = rec(RecordParts { town: Some("Leeds"), postcode: Some("LS6 2AB"), ..RecordParts::default() });
        assert_eq!(location(&full, &with_town), levels::location::SAME_POSTCODE);
        // Less than the same postcode is at most the same area, never a neighbour's address.
        let same_district =
            rec(RecordParts { town: Some("Leeds"), postcode: Some("LS6 4QT"), ..RecordParts::default() });
        assert_eq!(location(&full, &same_district), levels::location::SAME_AREA);
        let elsewhere = rec(RecordParts { town: Some("York"), postcode: Some("YO1 7HH"), ..RecordParts::default() });
        assert_eq!(location(&full, &elsewhere), levels::location::DIFFERENT);
        let other_town = rec(RecordParts { town: Some("York"), postcode: Some("LS6 2AB"), ..RecordParts::default() });
        assert_eq!(location(&full, &other_town), levels::location::SAME_AREA);
    }

    #[test]
    fn no_location_on_either_side_is_missing() {
        assert_eq!(location(&named("a", "b"), &place(vec!["1 A Road"], "Leeds", "LS6 2AB")), levels::MISSING);
    }

    #[test]
    fn the_guard_fires_on_different_dates_of_birth_without_shared_contact_details() {
        let r = |dob, email| {
            rec(RecordParts {
                first_name: Some("John"),
                surname: Some("Smith"),
                date_of_birth: Some(dob),
                email: Some(email),
                ..RecordParts::default()
            })
        };
        assert!(compare(&r("19500101", "a@x.com"), &r("19771231", "b@x.com")).is_incompatible());
        assert!(!compare(&r("19500101", "a@x.com"), &r("19771231", "a@x.com")).is_incompatible());
        assert!(!compare(&r("19800304", "a@x.com"), &r("19800403", "b@x.com")).is_incompatible());
    }
}
