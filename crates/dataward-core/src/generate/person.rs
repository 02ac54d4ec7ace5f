//! One synthetic person: identity, contact details, address (and, for movers, the previous one)
//! and lifestyle attributes, derived from `(seed, index)` alone.

use jiff::civil::Date;
use rand::{Rng, RngExt};

use super::names::{self, FirstName, Gender};
use super::places::{self, TOWNS, Town, UkPhone};
use super::{Stream, add_days, pick, rng_for};

/// Share of persons who moved house and have a previous address.
pub const MOVER_RATE: f64 = 0.08;

/// Marital status as a lifestyle attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MaritalStatus {
    Single,
    Married,
    Cohabiting,
    Divorced,
    Separated,
    Widowed,
}

impl MaritalStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MaritalStatus::Single => "Single",
            MaritalStatus::Married => "Married",
            MaritalStatus::Cohabiting => "Cohabiting",
            MaritalStatus::Divorced => "Divorced",
            MaritalStatus::Separated => "Separated",
            MaritalStatus::Widowed => "Widowed",
        }
    }
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// Flat number within the building (`Flat 3`).
    pub flat: Option<u16>,
    /// Building number; `None` when the house has a name instead.
    pub house_number: Option<u16>,
    pub house_name: Option<&'static str>,
    /// Street name with its type (`Oak Road`).
    pub street: String,
    pub locality: Option<&'static str>,
    /// Index of the town in [`places::TOWNS`].
    pub town_index: usize,
    pub town: &'static str,
    pub county: &'static str,
    /// Canonical form: upper case with one space (`LS6 2AB`).
    pub postcode: String,
}

impl Address {
    /// The premises and street lines, most specific first, e.g. `["Flat 3", "12 Oak Road"]`,
    /// `["Rose Cottage", "Oak Road"]`, `["12 Oak Road", "Headingley"]`.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::with_capacity(3);
        if let Some(flat) = self.flat {
            lines.push(format!("Flat {flat}"));
        }
        match (self.house_number, self.house_name) {
            (Some(n), _) => lines.push(format!("{n} {}", self.street)),
            (None, Some(name)) => {
                lines.push(name.to_string());
                lines.push(self.street.clone());
            }
            (None, None) => lines.push(self.street.clone()),
        }
        if let Some(locality) = self.locality {
            lines.push(locality.to_string());
        }
        lines
    }

    /// The lines folded into at most `n` lines: the first `n - 1` as they are, the rest joined
    /// with `", "` into the last one. A flat and its building share the first line when folding
    /// is needed (`Flat 3, 12 Oak Road`).
    pub fn lines_folded(&self, n: usize) -> Vec<String> {
        let mut lines = self.lines();
        if lines.len() > n && self.flat.is_some() {
            let first = lines.remove(0);
            lines[0] = format!("{first}, {}", lines[0]);
        }
        if lines.len() > n {
            let tail = lines.split_off(n - 1).join(", ");
            lines.push(tail);
        }
        lines
    }

    /// The town record this address is in.
    pub fn town_record(&self) -> &'static Town {
        &TOWNS[self.town_index]
    }
}

/// Where a mover lived before, and which partner file still holds that address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousAddress {
    pub address: Address,
    /// The landline at the previous address (often different from the current one).
    pub landline: Option<UkPhone>,
    /// When the person moved to the current address.
    pub moved_on: Date,
    /// Index (into [`super::partner_files`]) of the file whose record carries this address.
    pub carried_by_file: usize,
}

/// A synthetic person of the population.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntheticPerson {
    /// Index in the population: the person's identity in the truth output.
    pub index: u64,
    pub title: &'static str,
    pub gender: Gender,
    pub first_name: &'static str,
    /// Nicknames the first name is commonly shortened to.
    pub nicknames: &'static [&'static str],
    pub middle_name: Option<&'static str>,
    pub surname: String,
    pub date_of_birth: Date,
    /// Unique per person index.
    pub email: String,
    /// Unique per person index (for populations below [`places::mobile_space`]).
    pub mobile: UkPhone,
    pub landline: Option<UkPhone>,
    pub address: Address,
    pub previous: Option<PreviousAddress>,
    pub homeowner: bool,
    pub pets: Vec<&'static str>,
    pub interests: Vec<&'static str>,
    pub marital_status: MaritalStatus,
    pub car_owner: bool,
    /// Month (1..=12) the person's insurance renews.
    pub renewal_month: u8,
    pub children_present: bool,
    pub email_marketing_consent: bool,
}

impl SyntheticPerson {
    /// Age in whole years on `on`.
    pub fn age_on(&self, on: Date) -> i16 {
        let dob = self.date_of_birth;
        let had_birthday = (on.month(), on.day()) >= (dob.month(), dob.day());
        on.year() - dob.year() - i16::from(!had_birthday)
    }
}

/// Pets a person may keep.
pub const PETS: &[&str] = &["Dog", "Cat", "Rabbit", "Fish", "Bird", "Guinea Pig", "Horse", "Hamster"];

/// Interests / hobbies.
#[rustfmt::skip]
pub const INTERESTS: &[&str] = &[
    "Gardening", "Travel", "Cooking", "Reading", "Football", "Golf", "Fishing", "Cycling",
    "Running", "Photography", "Music", "Theatre", "Cinema", "DIY", "Crafts", "Walking", "Wine",
    "Fitness", "Gaming", "Motoring", "Rugby", "Cricket", "Birdwatching", "Antiques",
];

const EMAIL_DOMAINS: &[(&str, u32)] = &[
    ("gmail.com", 30),
    ("hotmail.co.uk", 18),
    ("yahoo.co.uk", 12),
    ("outlook.com", 12),
    ("btinternet.com", 10),
    ("sky.com", 8),
    ("icloud.com", 10),
];

/// The dates a date of birth may fall between, for a given "today".
#[derive(Debug, Clone, Copy)]
pub(crate) struct DateContext {
    pub today: Date,
    /// Earliest date of birth: the person turns 91 tomorrow.
    pub dob_earliest: Date,
    /// Days from `dob_earliest` to the latest date of birth (the person turned 18 today).
    pub dob_span_days: i64,
}

impl DateContext {
    pub fn new(today: Date) -> Self {
        let latest = today.saturating_sub(jiff::Span::new().years(18));
        let earliest = add_days(today.saturating_sub(jiff::Span::new().years(91)), 1);
        let span = latest.since(earliest).map(|s| i64::from(s.get_days())).unwrap_or(0);
        DateContext { today, dob_earliest: earliest, dob_span_days: span }
    }
}

/// A lowercase email-safe form of a name (`O'Brien` -> `obrien`, `Smith-Jones` -> `smith-jones`).
fn email_part(name: &str) -> String {
    name.chars().filter(|c| c.is_ascii_alphabetic() || *c == '-').map(|c| c.to_ascii_lowercase()).collect()
}

/// An email address unique to `index`: every style ends its local part with `index + 1` and no
/// other digit occurs in it, so different indexes never give the same address.
fn email<R: Rng + ?Sized>(rng: &mut R, index: u64, first: &FirstName, surname: &str) -> String {
    let given =
        if !first.nicknames.is_empty() && rng.random_bool(0.1) { pick(rng, first.nicknames) } else { first.name };
    let f = email_part(given);
    let s = email_part(surname);
    let n = index + 1;
    let initial = &f[..1];
    let local = match rng.random_range(0..10u32) {
        0..=3 => format!("{f}.{s}{n}"),
        4..=5 => format!("{f}{s}{n}"),
        6..=7 => format!("{initial}{s}{n}"),
        8 => format!("{f}_{s}{n}"),
        _ => format!("{s}.{f}{n}"),
    };
    let total: u32 = EMAIL_DOMAINS.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    let mut domain = EMAIL_DOMAINS[0].0;
    for (d, w) in EMAIL_DOMAINS {
        if roll < *w {
            domain = d;
            break;
        }
        roll -= w;
    }
    format!("{local}@{domain}")
}

/// An address in the given town.
fn address<R: Rng + ?Sized>(rng: &mut R, town_index: usize) -> Address {
    let town = &TOWNS[town_index];
    let flat = rng.random_bool(0.12).then(|| rng.random_range(1..=24u16));
    let house_name = (flat.is_none() && rng.random_bool(0.05)).then(|| pick(rng, places::HOUSE_NAMES));
    let house_number = house_name
        .is_none()
        .then(|| if rng.random_bool(0.7) { rng.random_range(1..=80u16) } else { rng.random_range(1..=250u16) });
    let locality = (!town.localities.is_empty() && rng.random_bool(0.3)).then(|| pick(rng, town.localities));
    Address {
        flat,
        house_number,
        house_name,
        street: places::street(rng),
        locality,
        town_index,
        town: town.name,
        county: town.county,
        postcode: places::postcode(rng, town),
    }
}

/// A keyed bijection of `0..domain` (a small Feistel network with cycle walking), so that
/// distinct indexes get distinct, scattered mobile numbers.
fn permute(seed: u64, value: u64, domain: u64) -> u64 {
    debug_assert!(value < domain);
    // Smallest even number of bits covering the domain, so cycle walking takes < 4 steps.
    let bits = (64 - (domain.max(2) - 1).leading_zeros()).next_multiple_of(2);
    let half_bits = bits / 2;
    let mask: u64 = (1 << half_bits) - 1;
    let round = |r: u64, x: u64| -> u64 {
        let mut z = x ^ seed.rotate_left(r as u32 * 13) ^ (r << 40);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) & mask
    };
    let mut x = value;
    loop {
        let (mut left, mut right) = (x >> half_bits, x & mask);
        for r in 0..4 {
            let next = left ^ round(r, right);
            left = right;
            right = next;
        }
        x = (left << half_bits) | right;
        if x < domain {
            return x;
        }
    }
}

/// The mobile number of person `index`: distinct for distinct indexes below the mobile space.
fn mobile(seed: u64, index: u64) -> UkPhone {
    let space = places::mobile_space();
    places::mobile_number(permute(seed, index % space, space))
}

/// Generates person `index` of the population of `seed`.
pub(crate) fn generate(seed: u64, index: u64, dates: &DateContext) -> SyntheticPerson {
    let mut rng = rng_for(seed, Stream::Person, index, 0);
    let rng = &mut rng;

    let gender = if rng.random_bool(0.51) { Gender::Female } else { Gender::Male };
    let first = names::first_name(rng, gender);
    let middle_name = rng.random_bool(0.3).then(|| names::middle_name(rng, first));
    let surname = names::surname(rng);
    let date_of_birth = add_days(dates.dob_earliest, rng.random_range(0..=dates.dob_span_days));
    let age = {
        let had_birthday = (dates.today.month(), dates.today.day()) >= (date_of_birth.month(), date_of_birth.day());
        dates.today.year() - date_of_birth.year() - i16::from(!had_birthday)
    };

    let marital_status = {
        let roll: f64 = rng.random();
        match age {
            ..=24 => {
                if roll < 0.8 {
                    MaritalStatus::Single
                } else if roll < 0.95 {
                    MaritalStatus::Cohabiting
                } else {
                    MaritalStatus::Married
                }
            }
            25..=64 => match roll {
                r if r < 0.25 => MaritalStatus::Single,
                r if r < 0.70 => MaritalStatus::Married,
                r if r < 0.85 => MaritalStatus::Cohabiting,
                r if r < 0.95 => MaritalStatus::Divorced,
                r if r < 0.98 => MaritalStatus::Separated,
                _ => MaritalStatus::Widowed,
            },
            _ => match roll {
                r if r < 0.08 => MaritalStatus::Single,
                r if r < 0.60 => MaritalStatus::Married,
                r if r < 0.75 => MaritalStatus::Divorced,
                _ => MaritalStatus::Widowed,
            },
        }
    };
    let title = names::title(rng, gender, marital_status == MaritalStatus::Married);

    let email = email(rng, index, first, &surname);
    let mobile = mobile(seed, index);

    let town_index = places::town_index(rng);
    let home = address(rng, town_index);
    let landline_rate = if age >= 60 {
        0.75
    } else if age >= 40 {
        0.5
    } else {
        0.25
    };
    let landline = rng.random_bool(landline_rate).then(|| places::landline(rng, &TOWNS[town_index]));

    let previous = rng.random_bool(MOVER_RATE).then(|| {
        let same_town = rng.random_bool(0.3);
        let old_town = if same_town {
            town_index
        } else {
            let mut t = places::town_index(rng);
            while t == town_index {
                t = places::town_index(rng);
            }
            t
        };
        let mut old = address(rng, old_town);
        while old.street == home.street || old.postcode == home.postcode {
            old = address(rng, old_town);
        }
        let old_landline = landline.as_ref().map(|current| {
            if same_town && rng.random_bool(0.2) {
                current.clone()
            } else {
                let mut l = places::landline(rng, &TOWNS[old_town]);
                while &l == current {
                    l = places::landline(rng, &TOWNS[old_town]);
                }
                l
            }
        });
        PreviousAddress {
            address: old,
            landline: old_landline,
            moved_on: add_days(dates.today, -rng.random_range(30..=1000i64)),
            carried_by_file: rng.random_range(0..super::partner_files().len() as u32) as usize,
        }
    });

    let homeowner = rng.random_bool(match age {
        ..=29 => 0.3,
        30..=49 => 0.6,
        _ => 0.75,
    });
    let pets = if rng.random_bool(0.45) {
        let mut pets = vec![pick(rng, PETS)];
        if rng.random_bool(0.25) {
            let second = pick(rng, PETS);
            if second != pets[0] {
                pets.push(second);
            }
        }
        pets
    } else {
        Vec::new()
    };
    let mut interests: Vec<&'static str> = Vec::new();
    for _ in 0..rng.random_range(0..=3u32) {
        let interest = pick(rng, INTERESTS);
        if !interests.contains(&interest) {
            interests.push(interest);
        }
    }
    let children_present = rng.random_bool(if (25..=55).contains(&age) { 0.45 } else { 0.08 });

    SyntheticPerson {
        index,
        title,
        gender,
        first_name: first.name,
        nicknames: first.nicknames,
        middle_name,
        surname,
        date_of_birth,
        email,
        mobile,
        landline,
        address: home,
        previous,
        homeowner,
        pets,
        interests,
        marital_status,
        car_owner: rng.random_bool(0.75),
        renewal_month: rng.random_range(1..=12u8),
        children_present,
        email_marketing_consent: rng.random_bool(0.55),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_mobile_permutation_is_a_bijection_on_a_small_domain() {
        let domain = 5_000;
        let mut seen = vec![false; domain as usize];
        for v in 0..domain {
            let p = permute(7, v, domain);
            assert!(p < domain);
            assert!(!seen[p as usize], "{v} collides");
            seen[p as usize] = true;
        }
    }

    #[test]
    fn folded_address_lines_keep_the_flat_with_its_building() {
        let a = Address {
            flat: Some(3),
            house_number: Some(12),
            house_name: None,
            street: "Oak Road".into(),
            locality: Some("Headingley"),
            town_index: 3,
            town: "Leeds",
            county: "West Yorkshire",
            postcode: "LS6 2AB".into(),
        };
        assert_eq!(a.lines(), ["Flat 3", "12 Oak Road", "Headingley"]);
        assert_eq!(a.lines_folded(3), ["Flat 3", "12 Oak Road", "Headingley"]);
        assert_eq!(a.lines_folded(2), ["Flat 3, 12 Oak Road", "Headingley"]);
        let named = Address { flat: None, house_number: None, house_name: Some("Rose Cottage"), ..a };
        assert_eq!(named.lines_folded(2), ["Rose Cottage", "Oak Road, Headingley"]);
    }

    #[test]
    fn emails_of_namesakes_differ_by_index() {
        let first = &names::FIRST_NAMES[0];
        let mut a = rand_chacha::ChaCha8Rng::from_seed([1; 32]);
        let mut b = rand_chacha::ChaCha8Rng::from_seed([1; 32]);
        assert_ne!(email(&mut a, 1, first, "Smith"), email(&mut b, 11, first, "Smith"));
    }
}
