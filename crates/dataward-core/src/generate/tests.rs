//! Tests of the generator as a whole: determinism, validity of postcodes and phone numbers
//! (checked with libphonenumber data), overlap, duplicates, movers and defect rates.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use jiff::civil::{Date, date};

use super::places::{self, TOWNS};
use super::*;

const TODAY: Date = date(2025, 6, 15);
const SAMPLE_PERSONS: u64 = 10_000;

/// The rows of all three files for 10,000 persons of seed 42, generated once.
fn sample() -> &'static [Vec<GeneratedRow>; 3] {
    static SAMPLE: OnceLock<[Vec<GeneratedRow>; 3]> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let g = Generator::new(42, SAMPLE_PERSONS, TODAY);
        [0, 1, 2].map(|f| g.rows(f).collect())
    })
}

/// The UK postcode rules: outward `A9`, `A99`, `AA9`, `AA99`, `A9A` or `AA9A` (first letter not
/// Q/V/X, second not I/J/Z, restricted letters in the third and fourth positions), a space, and
/// an inward digit followed by two letters other than C, I, K, M, O, V.
fn is_valid_postcode(text: &str) -> bool {
    let Some((outward, inward)) = text.split_once(' ') else {
        return false;
    };
    let inward = inward.as_bytes();
    let inward_ok = inward.len() == 3
        && inward[0].is_ascii_digit()
        && inward[1..].iter().all(|c| places::INWARD_LETTERS.contains(c));
    let o = outward.as_bytes();
    let alpha = |c: u8| c.is_ascii_uppercase();
    let digit = |c: u8| c.is_ascii_digit();
    let first_ok = |c: u8| alpha(c) && !b"QVX".contains(&c);
    let second_ok = |c: u8| alpha(c) && !b"IJZ".contains(&c);
    let outward_ok = match o.len() {
        2 => first_ok(o[0]) && digit(o[1]),
        3 => {
            first_ok(o[0])
                && ((digit(o[1]) && digit(o[2]))
                    || (second_ok(o[1]) && digit(o[2]))
                    || (digit(o[1]) && b"ABCDEFGHJKPSTUW".contains(&o[2])))
        }
        4 => first_ok(o[0]) && second_ok(o[1]) && digit(o[2]) && (digit(o[3]) || b"ABEHMNPRVWXY".contains(&o[3])),
        _ => false,
    };
    inward_ok && outward_ok
}

fn parse_gb(text: &str) -> Option<phonenumber::PhoneNumber> {
    phonenumber::parse(Some(phonenumber::country::Id::GB), text).ok()
}

fn phone_type(text: &str) -> Option<phonenumber::Type> {
    let number = parse_gb(text)?;
    phonenumber::is_valid(&number).then(|| number.number_type(&phonenumber::metadata::DATABASE))
}

#[test]
fn two_generators_with_the_same_seed_produce_identical_rows() {
    let a = Generator::new(7, 2_000, TODAY);
    let b = Generator::new(7, 2_000, TODAY);
    for file in 0..partner_files().len() {
        assert!(a.rows(file).eq(b.rows(file)), "file {file} differs");
    }
}

#[test]
fn different_seeds_produce_different_people_and_rows() {
    let a = Generator::new(7, 500, TODAY);
    let b = Generator::new(8, 500, TODAY);
    let same_people = (0..500).filter(|&i| a.person(i) == b.person(i)).count();
    assert_eq!(same_people, 0);
    let rows_a: Vec<_> = a.rows(0).collect();
    let rows_b: Vec<_> = b.rows(0).collect();
    assert_ne!(rows_a, rows_b);
}

#[test]
fn a_person_does_not_depend_on_the_population_size() {
    let small = Generator::new(99, 10, TODAY);
    let large = Generator::new(99, 10_000_000, TODAY);
    for i in [0, 1, 5, 9] {
        assert_eq!(small.person(i), large.person(i));
    }
    // And the rows of the small population are those of the large one for the same persons,
    // duplicates due later aside.
    let head: Vec<_> = large.rows(2).take_while(|r| r.truth_person < 10).filter(|r| !r.duplicate).collect();
    let all: Vec<_> = small.rows(2).filter(|r| !r.duplicate).collect();
    assert_eq!(head, all);
}

#[test]
fn every_postcode_current_or_previous_is_valid_by_the_uk_rules() {
    let g = Generator::new(1, 0, TODAY);
    for i in 0..5_000 {
        let p = g.person(i);
        assert!(is_valid_postcode(&p.address.postcode), "{}", p.address.postcode);
        if let Some(prev) = &p.previous {
            assert!(is_valid_postcode(&prev.address.postcode), "{}", prev.address.postcode);
        }
    }
}

#[test]
fn every_town_gives_postcodes_of_its_own_districts() {
    let g = Generator::new(2, 0, TODAY);
    for i in 0..3_000 {
        let a = g.person(i).address;
        let town = &TOWNS[a.town_index];
        let outward = a.postcode.split(' ').next().unwrap();
        let ok = town.districts.iter().any(|(area, lo, hi)| {
            outward.strip_prefix(area).and_then(|n| n.parse::<u8>().ok()).is_some_and(|n| (*lo..=*hi).contains(&n))
        });
        assert!(ok, "{outward} is not a district of {}", town.name);
    }
}

#[test]
fn invalid_postcode_defects_break_the_uk_rules() {
    let mut seen = 0;
    for (file, rows) in sample().iter().enumerate() {
        let at = partner_files::LAYOUTS[file].postcode;
        for row in rows.iter().filter(|r| r.defect == Some(Defect::InvalidPostcode)) {
            assert!(!is_valid_postcode(&row.values[at].to_uppercase()), "{}", row.values[at]);
            seen += 1;
        }
    }
    assert!(seen > 5, "{seen}");
    assert!(!is_valid_postcode("QX1 1AA") && !is_valid_postcode("LS6 2CO") && is_valid_postcode("SW1A 1AA"));
}

#[test]
fn two_thousand_generated_mobiles_are_valid_gb_mobiles_per_phonenumber() {
    let g = Generator::new(3, 0, TODAY);
    for i in 0..2_000 {
        let m = g.person(i).mobile;
        for text in [m.national(), m.national_spaced(), m.international(), m.international_spaced()] {
            assert_eq!(phone_type(&text), Some(phonenumber::Type::Mobile), "{text}");
        }
    }
}

#[test]
fn every_mobile_range_used_is_valid_per_phonenumber() {
    for (k, _) in places::mobile_ranges().iter().enumerate() {
        let n = places::mobile_number(k as u64 * 1_000_000 + 123_456);
        assert_eq!(phone_type(&n.national()), Some(phonenumber::Type::Mobile), "{}", n.national());
    }
}

#[test]
fn two_thousand_generated_landlines_are_valid_fixed_lines_of_their_town() {
    let g = Generator::new(4, 0, TODAY);
    let mut checked = 0;
    let mut i = 0;
    while checked < 2_000 {
        let p = g.person(i);
        i += 1;
        let Some(l) = p.landline else { continue };
        assert_eq!(l.code, TOWNS[p.address.town_index].area_code);
        for text in [l.national(), l.national_spaced(), l.international()] {
            assert_eq!(phone_type(&text), Some(phonenumber::Type::FixedLine), "{text}");
        }
        checked += 1;
    }
}

#[test]
fn every_town_dialling_code_gives_valid_fixed_lines() {
    use rand::SeedableRng;
    let mut rng = rand_chacha::ChaCha8Rng::from_seed([9; 32]);
    for town in TOWNS {
        for _ in 0..100 {
            let l = places::landline(&mut rng, town);
            assert_eq!(phone_type(&l.national()), Some(phonenumber::Type::FixedLine), "{} {}", town.name, l.national());
        }
    }
}

#[test]
fn unparseable_phone_defects_are_not_valid_numbers() {
    let mut seen = 0;
    for (file, rows) in sample().iter().enumerate() {
        let at = partner_files::LAYOUTS[file].phone;
        for row in rows.iter().filter(|r| r.defect == Some(Defect::UnparseablePhone)) {
            let text = &row.values[at];
            assert!(parse_gb(text).is_none_or(|n| !phonenumber::is_valid(&n)), "{text}");
            seen += 1;
        }
    }
    assert!(seen > 5, "{seen}");
}

#[test]
fn mobiles_and_emails_are_unique_across_persons() {
    let g = Generator::new(5, 0, TODAY);
    let mut mobiles = HashSet::new();
    let mut emails = HashSet::new();
    for i in 0..20_000 {
        let p = g.person(i);
        assert!(mobiles.insert(p.mobile.national()), "mobile of {i} repeats");
        assert!(emails.insert(p.email.clone()), "email of {i} repeats: {}", p.email);
    }
}

#[test]
fn ages_are_between_18_and_90_on_the_given_day() {
    let g = Generator::new(6, 0, TODAY);
    let ages: Vec<i16> = (0..5_000).map(|i| g.person(i).age_on(TODAY)).collect();
    assert!(ages.iter().all(|a| (18..=90).contains(a)), "{:?}", ages.iter().minmax());
    assert!(ages.contains(&18) && ages.contains(&90));
}

#[test]
fn each_file_holds_about_sixty_percent_of_persons_and_files_overlap_realistically() {
    let sets: Vec<HashSet<u64>> = sample().iter().map(|rows| rows.iter().map(|r| r.truth_person).collect()).collect();
    let n = SAMPLE_PERSONS as f64;
    for s in &sets {
        let share = s.len() as f64 / n;
        assert!((0.57..0.63).contains(&share), "{share}");
    }
    for (a, b) in [(0, 1), (0, 2), (1, 2)] {
        let both = sets[a].intersection(&sets[b]).count() as f64 / n;
        assert!((0.32..0.40).contains(&both), "files {a} and {b}: {both}");
    }
    let all = sets[0].iter().filter(|p| sets[1].contains(p) && sets[2].contains(p)).count() as f64 / n;
    assert!((0.19..0.25).contains(&all), "{all}");
    let none = (0..SAMPLE_PERSONS).filter(|p| !sets.iter().any(|s| s.contains(p))).count() as f64 / n;
    assert!((0.04..0.09).contains(&none), "{none}");
}

#[test]
fn about_one_percent_of_rows_carry_a_defect_of_every_applicable_kind() {
    let rows: Vec<&GeneratedRow> = sample().iter().flatten().collect();
    let defective = rows.iter().filter(|r| r.defect.is_some()).count() as f64 / rows.len() as f64;
    assert!((0.007..0.013).contains(&defective), "{defective}");
    let kinds: HashSet<Defect> = rows.iter().filter_map(|r| r.defect).collect();
    assert_eq!(kinds.len(), Defect::ALL.len(), "{kinds:?}");
    // Only CSV rows have a wrong field count, only JSON Lines rows are malformed JSON.
    for (file, rows) in sample().iter().enumerate() {
        let csv = partner_files()[file].format == FileFormat::Csv;
        for r in rows {
            assert!(r.defect != Some(Defect::WrongFieldCount) || csv);
            assert!(r.defect != Some(Defect::MalformedJson) || !csv);
        }
    }
}

#[test]
fn values_line_up_with_headers_except_on_wrong_field_count_rows() {
    for (file, rows) in sample().iter().enumerate() {
        let width = partner_files()[file].headers.len();
        for r in rows {
            let expected = if r.defect == Some(Defect::WrongFieldCount) { width + 1 } else { width };
            assert_eq!(r.values.len(), expected, "{r:?}");
            assert!(r.values.iter().all(|v| !v.contains(['\n', '\r'])), "{r:?}");
        }
    }
}

#[test]
fn json_lines_parse_as_objects_of_strings_unless_malformed() {
    let spec = &partner_files()[2];
    let mut malformed = 0;
    for r in &sample()[2] {
        let line = r.json_line(spec.headers);
        let parsed = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&line);
        if r.defect == Some(Defect::MalformedJson) {
            assert!(parsed.is_err(), "{line}");
            malformed += 1;
        } else {
            let object = parsed.unwrap_or_else(|e| panic!("{e}: {line}"));
            let keys: Vec<&str> = object.keys().map(String::as_str).collect();
            let mut expected = spec.headers.to_vec();
            expected.sort_unstable();
            assert_eq!(keys, expected);
            assert!(object.values().all(serde_json::Value::is_string));
        }
    }
    assert!(malformed > 0);
}

#[test]
fn about_eight_percent_of_persons_are_movers_with_a_different_address() {
    let g = Generator::new(10, 0, TODAY);
    let mut movers = 0;
    for i in 0..SAMPLE_PERSONS {
        let p = g.person(i);
        if let Some(prev) = &p.previous {
            movers += 1;
            assert_ne!(prev.address.street, p.address.street);
            assert_ne!(prev.address.postcode, p.address.postcode);
            assert!(prev.moved_on < TODAY);
        }
    }
    let share = movers as f64 / SAMPLE_PERSONS as f64;
    assert!((0.065..0.095).contains(&share), "{share}");
}

#[test]
fn previous_address_rows_were_collected_before_the_move_and_the_rest_after() {
    let g = Generator::new(42, SAMPLE_PERSONS, TODAY);
    let mut old_rows = 0;
    for r in sample()[0].iter().filter(|r| r.defect.is_none()) {
        let p = g.person(r.truth_person);
        let collected: Date = r.values[19].parse().unwrap();
        assert!(collected < TODAY);
        match &p.previous {
            Some(prev) if r.previous_address => {
                old_rows += 1;
                assert!(collected < prev.moved_on);
                assert_eq!(r.values[12].replace(' ', "").to_uppercase(), prev.address.postcode.replace(' ', ""));
            }
            Some(prev) => assert!(collected >= prev.moved_on),
            None => assert!(!r.previous_address),
        }
    }
    // 8% movers x 1/3 carried by this file x 60% included: about 1.6% of 6,000 rows.
    assert!((40..160).contains(&old_rows), "{old_rows}");
}

#[test]
fn about_one_and_a_half_percent_of_a_files_persons_appear_twice_under_a_new_record_id() {
    for rows in sample() {
        let mut counts: HashMap<u64, usize> = HashMap::new();
        for r in rows {
            *counts.entry(r.truth_person).or_default() += 1;
        }
        assert!(counts.values().all(|&c| c <= 2));
        let twice = counts.values().filter(|&&c| c == 2).count() as f64 / counts.len() as f64;
        assert!((0.008..0.022).contains(&twice), "{twice}");
        assert_eq!(rows.iter().filter(|r| r.duplicate).count(), counts.values().filter(|&&c| c == 2).count());
        let ids: HashSet<&String> = rows.iter().map(|r| &r.values[0]).collect();
        assert_eq!(ids.len(), rows.len(), "record ids repeat");
    }
}

#[test]
fn originals_come_in_increasing_person_order_and_duplicates_follow_within_forty_persons() {
    for rows in sample() {
        let mut last_original = None;
        let mut max_seen = 0;
        for r in rows {
            if r.duplicate {
                assert!(last_original.is_some_and(|l| l >= r.truth_person) || max_seen >= r.truth_person);
                assert!(max_seen <= r.truth_person + 40, "{} after {}", r.truth_person, max_seen);
            } else {
                assert!(last_original.is_none_or(|l| l < r.truth_person));
                last_original = Some(r.truth_person);
                max_seen = max_seen.max(r.truth_person);
            }
        }
    }
}

#[test]
fn some_rows_use_nicknames_typos_and_swapped_dates_but_most_are_clean() {
    let g = Generator::new(42, SAMPLE_PERSONS, TODAY);
    let (mut nicknames, mut altered_names, mut swapped, mut clean) = (0, 0, 0, 0);
    let rows = &sample()[0];
    for r in rows.iter().filter(|r| r.defect.is_none()) {
        let p = g.person(r.truth_person);
        let first = &r.values[2];
        if p.nicknames.contains(&first.as_str()) {
            nicknames += 1;
        }
        let exact = first == p.first_name && r.values[3] == p.surname;
        if !exact && !first.eq_ignore_ascii_case(p.first_name) && !p.nicknames.contains(&first.as_str()) {
            altered_names += 1;
        }
        let dob = p.date_of_birth;
        if p.date_of_birth.day() != p.date_of_birth.month()
            && r.values[4] == format!("{:04}-{:02}-{:02}", dob.year(), dob.day(), dob.month())
        {
            swapped += 1;
        }
        if exact {
            clean += 1;
        }
    }
    let n = rows.len() as f64;
    assert!((0.005..0.03).contains(&(nicknames as f64 / n)), "nicknames {nicknames}");
    assert!((0.01..0.06).contains(&(altered_names as f64 / n)), "altered {altered_names}");
    assert!((0.002..0.02).contains(&(swapped as f64 / n)), "swapped {swapped}");
    assert!(clean as f64 / n > 0.85, "clean {clean}");
}

#[test]
fn compare_hub_writes_uk_dates_spaced_phones_and_month_names() {
    for r in sample()[1].iter().filter(|r| r.defect.is_none()).take(500) {
        let dob = &r.values[3];
        assert!(dob.is_empty() || (dob.len() == 10 && &dob[2..3] == "/" && &dob[5..6] == "/"), "{dob}");
        let phone = &r.values[5];
        assert!(phone.is_empty() || (phone.starts_with('0') && phone.contains(' ')), "{phone}");
        assert!(partner_files::MONTHS.contains(&r.values[10].as_str()), "{}", r.values[10]);
    }
}

#[test]
fn estimate_rows_is_within_two_percent_of_the_actual_count() {
    let actual: usize = sample().iter().map(Vec::len).sum();
    let estimate = estimate_rows(SAMPLE_PERSONS) as f64;
    assert!((actual as f64 / estimate - 1.0).abs() < 0.02, "{actual} vs {estimate}");
}

trait MinMax {
    fn minmax(self) -> (Option<i16>, Option<i16>);
}
impl<'a, I: Iterator<Item = &'a i16> + Clone> MinMax for I {
    fn minmax(self) -> (Option<i16>, Option<i16>) {
        (self.clone().min().copied(), self.max().copied())
    }
}

/// Columns of each file holding phones, yes/no flags and a renewal month, for the cross-check.
const PHONES: [&[usize]; 3] = [&[6, 7], &[5], &[6, 7]];
const FLAGS: [&[usize]; 3] = [&[13, 17, 18], &[], &[15, 16, 17]];
const FIRST_NAME: [usize; 3] = [2, 1, 2];

#[test]
fn clean_rows_parse_with_the_normalise_module_and_each_defect_is_rejected_by_it() {
    use crate::normalise::{
        DateOfBirth, DobError, Email, PhoneNumber, Postcode, normalise_name, parse_flag, parse_month,
    };
    for (file, rows) in sample().iter().enumerate() {
        let l = &partner_files::LAYOUTS[file];
        for r in rows {
            let v = &r.values;
            let ctx = || format!("{}: {v:?}", partner_files()[file].name);
            match r.defect {
                None => {
                    assert!(Postcode::parse(&v[l.postcode]).is_ok(), "{}", ctx());
                    for &i in PHONES[file] {
                        assert!(v[i].is_empty() || PhoneNumber::parse(&v[i]).is_ok(), "{}", ctx());
                    }
                    assert!(v[l.email].is_empty() || Email::parse(&v[l.email]).is_ok(), "{}", ctx());
                    assert!(v[l.dob].is_empty() || DateOfBirth::parse(&v[l.dob], TODAY).is_ok(), "{}", ctx());
                    for &i in FLAGS[file] {
                        assert!(parse_flag(&v[i]).is_ok(), "{}", ctx());
                    }
                    if let Some(i) = l.renewal_month {
                        assert!(matches!(parse_month(&v[i]), Ok(Some(1..=12))), "{}", ctx());
                    }
                    assert!(matches!(normalise_name(&v[l.surname]), Ok(Some(_))), "{}", ctx());
                    assert!(matches!(normalise_name(&v[FIRST_NAME[file]]), Ok(Some(_))), "{}", ctx());
                }
                Some(Defect::InvalidPostcode) => {
                    assert!(Postcode::parse(&v[l.postcode]).is_err(), "{}", ctx())
                }
                Some(Defect::InvalidEmail) => {
                    assert!(Email::parse(&v[l.email]).is_err(), "{}", ctx())
                }
                Some(Defect::ImpossibleDate) => {
                    assert!(crate::normalise::parse_date(&v[l.dob]).is_err(), "{}", ctx())
                }
                Some(Defect::UnderAge) => {
                    assert_eq!(DateOfBirth::parse(&v[l.dob], TODAY).err(), Some(DobError::UnderAge), "{}", ctx())
                }
                Some(Defect::UnparseablePhone) => {
                    assert!(PhoneNumber::parse(&v[l.phone]).is_err(), "{}", ctx())
                }
                Some(Defect::InvalidRenewalMonth) => {
                    assert!(parse_month(&v[l.renewal_month.unwrap()]).is_err(), "{}", ctx())
                }
                Some(Defect::BlankSurname) => {
                    assert_eq!(normalise_name(&v[l.surname]), Ok(None), "{}", ctx())
                }
                Some(Defect::WrongFieldCount | Defect::MalformedJson) => {}
            }
        }
    }
}
