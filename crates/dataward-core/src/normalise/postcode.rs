//! UK postcodes, checked against the published format rules and stored as "SW1A 1AA".
//!
//! A postcode is an outward code (A9, A99, A9A, AA9, AA99 or AA9A) and an inward code (9AA),
//! plus the one special case GIR 0AA. The letters allowed in each position are restricted:
//! - first position: not Q, V or X;
//! - second position (AA forms): not I, J or Z;
//! - third position of A9A: only A B C D E F G H J K P S T U W;
//! - fourth position of AA9A: only A B E H M N P R V W X Y;
//! - the two inward letters: not C, I, K, M, O or V.
//!
//! This checks the *format*; it does not know whether the postcode has been issued.

use std::fmt;

/// Letters that may not start a postcode.
const FIRST_EXCLUDED: &[u8] = b"QVX";
/// Letters that may not be second in the AA9, AA99 and AA9A forms.
const SECOND_EXCLUDED: &[u8] = b"IJZ";
/// The only letters allowed third in the A9A form.
const THIRD_A9A: &[u8] = b"ABCDEFGHJKPSTUW";
/// The only letters allowed fourth in the AA9A form.
const FOURTH_AA9A: &[u8] = b"ABEHMNPRVWXY";
/// Letters that may not appear in the inward code.
const INWARD_EXCLUDED: &[u8] = b"CIKMOV";

/// Why a string is not a UK postcode. Messages never repeat the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PostcodeError {
    #[error("postcode is blank")]
    Empty,
    #[error("postcode may contain only letters, digits and spaces")]
    InvalidCharacters,
    #[error("postcode has an outward code but no inward code")]
    MissingInward,
    #[error("inward code must be a digit and two letters other than C, I, K, M, O or V")]
    InvalidInward,
    #[error("outward code must be A9, A99, A9A, AA9, AA99 or AA9A using the permitted letters")]
    InvalidOutward,
}

/// A UK postcode in canonical form: upper case, one space before the inward code.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Postcode {
    canonical: String,
    /// Length of the outward code (2..=4, or 3 for GIR).
    outward_len: usize,
}

impl Postcode {
    /// Parses a postcode in any case with any (or no) spacing.
    pub fn parse(raw: &str) -> Result<Postcode, PostcodeError> {
        let compact: Vec<u8> = raw
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    Ok(c.to_ascii_uppercase() as u8)
                } else {
                    Err(PostcodeError::InvalidCharacters)
                }
            })
            .collect::<Result<_, _>>()?;
        if compact.is_empty() {
            return Err(PostcodeError::Empty);
        }
        let split = compact.len().saturating_sub(3);
        let (outward, inward) = compact.split_at(split);
        if compact.len() < 3 || !is_valid_inward(inward) {
            return Err(if is_valid_outward(&compact) {
                PostcodeError::MissingInward
            } else {
                PostcodeError::InvalidInward
            });
        }
        if !(is_valid_outward(outward) || (outward == b"GIR" && inward == b"0AA")) {
            return Err(PostcodeError::InvalidOutward);
        }
        let mut canonical = String::with_capacity(compact.len() + 1);
        canonical.extend(outward.iter().map(|&b| b as char));
        canonical.push(' ');
        canonical.extend(inward.iter().map(|&b| b as char));
        Ok(Postcode { canonical, outward_len: outward.len() })
    }

    /// The canonical form, e.g. "SW1A 1AA".
    pub fn as_str(&self) -> &str {
        &self.canonical
    }

    /// The outward code, e.g. "SW1A".
    pub fn outward(&self) -> &str {
        &self.canonical[..self.outward_len]
    }

    /// The inward code, e.g. "1AA".
    pub fn inward(&self) -> &str {
        &self.canonical[self.outward_len + 1..]
    }

    /// The postcode area: the leading letters of the outward code, e.g. "SW" ("GIR" for GIR 0AA).
    pub fn area(&self) -> &str {
        let outward = self.outward();
        let letters = outward.bytes().take_while(u8::is_ascii_alphabetic).count();
        &outward[..letters]
    }

    /// The postcode district, which is the whole outward code, e.g. "SW1A".
    pub fn district(&self) -> &str {
        self.outward()
    }

    /// The postcode sector: the outward code and the inward digit, e.g. "SW1A 1".
    pub fn sector(&self) -> &str {
        &self.canonical[..self.outward_len + 2]
    }
}

impl fmt::Debug for Postcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Postcode(<redacted>)")
    }
}

fn is_valid_inward(inward: &[u8]) -> bool {
    match inward {
        [d, a, b] => d.is_ascii_digit() && is_inward_letter(*a) && is_inward_letter(*b),
        _ => false,
    }
}

fn is_inward_letter(b: u8) -> bool {
    b.is_ascii_uppercase() && !INWARD_EXCLUDED.contains(&b)
}

fn is_valid_outward(outward: &[u8]) -> bool {
    let first = |b: u8| b.is_ascii_uppercase() && !FIRST_EXCLUDED.contains(&b);
    let second = |b: u8| b.is_ascii_uppercase() && !SECOND_EXCLUDED.contains(&b);
    let digit = |b: u8| b.is_ascii_digit();
    match *outward {
        // A9
        [a, n] => first(a) && digit(n),
        // A99, A9A, AA9
        [a, n, m] if digit(n) => first(a) && (digit(m) || THIRD_A9A.contains(&m)),
        [a, b, n] => first(a) && second(b) && digit(n),
        // AA99, AA9A
        [a, b, n, m] => first(a) && second(b) && digit(n) && (digit(m) || FOURTH_AA9A.contains(&m)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pc(raw: &str) -> Postcode {
        Postcode::parse(raw).unwrap_or_else(|e| panic!("{raw:?} should parse: {e}"))
    }

    #[test]
    fn postcode_without_space_is_split_into_outward_and_inward() {
        let p = pc("SW1A1AA");
        assert_eq!(p.as_str(), "SW1A 1AA");
        assert_eq!(p.outward(), "SW1A");
        assert_eq!(p.inward(), "1AA");
    }

    #[test]
    fn lower_case_and_extra_spacing_are_normalised() {
        assert_eq!(pc("  sw1a   1aa ").as_str(), "SW1A 1AA");
        assert_eq!(pc("s w 1 a 1 a a").as_str(), "SW1A 1AA");
    }

    #[test]
    fn accessors_give_area_district_and_sector() {
        let p = pc("sw1a 1aa");
        assert_eq!(p.area(), "SW");
        assert_eq!(p.district(), "SW1A");
        assert_eq!(p.sector(), "SW1A 1");
        let q = pc("M1 1AE");
        assert_eq!(q.area(), "M");
        assert_eq!(q.district(), "M1");
        assert_eq!(q.sector(), "M1 1");
        assert_eq!(q.inward(), "1AE");
    }

    #[test]
    fn every_outward_format_is_accepted() {
        for (raw, outward) in [
            ("M1 1AE", "M1"),
            ("B33 8TH", "B33"),
            ("W1A 0AX", "W1A"),
            ("CR2 6XH", "CR2"),
            ("DN55 1PT", "DN55"),
            ("EC1A 1BB", "EC1A"),
        ] {
            assert_eq!(pc(raw).outward(), outward, "{raw}");
        }
    }

    #[test]
    fn gir_0aa_is_accepted_as_the_special_case() {
        let p = pc("gir0aa");
        assert_eq!(p.as_str(), "GIR 0AA");
        assert_eq!(p.area(), "GIR");
        assert_eq!(p.inward(), "0AA");
    }

    #[test]
    fn gir_with_another_inward_code_is_rejected() {
        assert_eq!(Postcode::parse("GIR 0AB"), Err(PostcodeError::InvalidOutward));
    }

    #[test]
    fn blank_postcode_is_empty() {
        assert_eq!(Postcode::parse("   "), Err(PostcodeError::Empty));
    }

    #[test]
    fn punctuation_is_an_invalid_character() {
        assert_eq!(Postcode::parse("SW1A-1AA"), Err(PostcodeError::InvalidCharacters));
        assert_eq!(Postcode::parse("SW1A 1ÄA"), Err(PostcodeError::InvalidCharacters));
    }

    #[test]
    fn outward_code_alone_reports_missing_inward() {
        assert_eq!(Postcode::parse("SW1A"), Err(PostcodeError::MissingInward));
        assert_eq!(Postcode::parse("m1"), Err(PostcodeError::MissingInward));
    }

    #[test]
    fn inward_letters_c_i_k_m_o_v_are_rejected() {
        for letter in ['C', 'I', 'K', 'M', 'O', 'V'] {
            let first = format!("SW1A 1{letter}A");
            let second = format!("SW1A 1A{letter}");
            assert_eq!(Postcode::parse(&first), Err(PostcodeError::InvalidInward), "{first}");
            assert_eq!(Postcode::parse(&second), Err(PostcodeError::InvalidInward), "{second}");
        }
    }

    #[test]
    fn inward_code_must_start_with_a_digit() {
        assert_eq!(Postcode::parse("SW1A AAA"), Err(PostcodeError::InvalidInward));
        assert_eq!(Postcode::parse("SW1A 11A"), Err(PostcodeError::InvalidInward));
    }

    #[test]
    fn first_letter_q_v_x_is_rejected() {
        for letter in ['Q', 'V', 'X'] {
            let raw = format!("{letter}1 1AA");
            assert_eq!(Postcode::parse(&raw), Err(PostcodeError::InvalidOutward), "{raw}");
        }
    }

    #[test]
    fn second_letter_i_j_z_is_rejected() {
        for letter in ['I', 'J', 'Z'] {
            let raw = format!("A{letter}1 1AA");
            assert_eq!(Postcode::parse(&raw), Err(PostcodeError::InvalidOutward), "{raw}");
        }
    }

    #[test]
    fn third_letter_of_a9a_is_restricted() {
        assert!(Postcode::parse("W1P 1AA").is_ok());
        for letter in ['I', 'L', 'M', 'N', 'O', 'Q', 'R', 'V', 'X', 'Y', 'Z'] {
            let raw = format!("W1{letter} 1AA");
            assert_eq!(Postcode::parse(&raw), Err(PostcodeError::InvalidOutward), "{raw}");
        }
    }

    #[test]
    fn fourth_letter_of_aa9a_is_restricted() {
        assert!(Postcode::parse("EC1Y 1AA").is_ok());
        for letter in ['C', 'D', 'F', 'G', 'I', 'J', 'K', 'L', 'O', 'Q', 'S', 'T', 'U', 'Z'] {
            let raw = format!("EC1{letter} 1AA");
            assert_eq!(Postcode::parse(&raw), Err(PostcodeError::InvalidOutward), "{raw}");
        }
    }

    #[test]
    fn outward_codes_of_wrong_length_are_rejected() {
        assert_eq!(Postcode::parse("1AA"), Err(PostcodeError::InvalidOutward));
        assert_eq!(Postcode::parse("A 1AA"), Err(PostcodeError::InvalidOutward));
        assert_eq!(Postcode::parse("AB123 1AA"), Err(PostcodeError::InvalidOutward));
        assert_eq!(Postcode::parse("SW1AA 1AA"), Err(PostcodeError::InvalidOutward));
    }

    #[test]
    fn truncated_inward_code_is_reported_as_inward() {
        assert_eq!(Postcode::parse("SW1A 1A"), Err(PostcodeError::InvalidInward));
    }

    #[test]
    fn error_messages_say_which_part_is_wrong_without_the_value() {
        let inward = Postcode::parse("SW1A 1CA").unwrap_err().to_string();
        let outward = Postcode::parse("QW1A 1AA").unwrap_err().to_string();
        assert!(inward.starts_with("inward"), "{inward}");
        assert!(outward.starts_with("outward"), "{outward}");
        assert!(!inward.contains("SW1A") && !outward.contains("QW1A"));
    }

    #[test]
    fn debug_output_redacts_the_postcode() {
        let shown = format!("{:?}", pc("SW1A 1AA"));
        assert_eq!(shown, "Postcode(<redacted>)");
    }

    // ---- property-style tests over generated postcodes ----

    /// A tiny deterministic generator (SplitMix64) so the tests need no extra crates.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
        fn pick(&mut self, from: &[u8]) -> char {
            from[(self.next() % from.len() as u64) as usize] as char
        }
    }

    const LETTERS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const DIGITS: &[u8] = b"0123456789";
    const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    fn allowed(excluded: &[u8]) -> Vec<u8> {
        LETTERS.iter().copied().filter(|b| !excluded.contains(b)).collect()
    }

    /// Generates a valid postcode in canonical form, in the given outward format (0..6).
    fn valid_postcode(g: &mut Gen, format: usize) -> String {
        let first = allowed(FIRST_EXCLUDED);
        let second = allowed(SECOND_EXCLUDED);
        let inward_letters = allowed(INWARD_EXCLUDED);
        let outward: String = match format {
            0 => [g.pick(&first), g.pick(DIGITS)].iter().collect(),
            1 => [g.pick(&first), g.pick(DIGITS), g.pick(DIGITS)].iter().collect(),
            2 => [g.pick(&first), g.pick(DIGITS), g.pick(THIRD_A9A)].iter().collect(),
            3 => [g.pick(&first), g.pick(&second), g.pick(DIGITS)].iter().collect(),
            4 => [g.pick(&first), g.pick(&second), g.pick(DIGITS), g.pick(DIGITS)].iter().collect(),
            _ => [g.pick(&first), g.pick(&second), g.pick(DIGITS), g.pick(FOURTH_AA9A)].iter().collect(),
        };
        let inward: String = [g.pick(DIGITS), g.pick(&inward_letters), g.pick(&inward_letters)].iter().collect();
        format!("{outward} {inward}")
    }

    /// An independent statement of the rules as templates, used as an oracle for random strings.
    fn oracle(compact: &str) -> bool {
        if compact == "GIR0AA" {
            return true;
        }
        let cls = |c: char, class: char| -> bool {
            let b = c as u8;
            match class {
                '9' => c.is_ascii_digit(),
                '1' => c.is_ascii_uppercase() && !b"QVX".contains(&b),
                '2' => c.is_ascii_uppercase() && !b"IJZ".contains(&b),
                '3' => b"ABCDEFGHJKPSTUW".contains(&b),
                '4' => b"ABEHMNPRVWXY".contains(&b),
                'i' => c.is_ascii_uppercase() && !b"CIKMOV".contains(&b),
                _ => unreachable!(),
            }
        };
        ["19", "199", "193", "129", "1299", "1294"].iter().any(|outward| {
            let template = format!("{outward}9ii");
            template.len() == compact.len() && template.chars().zip(compact.chars()).all(|(t, c)| cls(c, t))
        })
    }

    #[test]
    fn every_generated_valid_postcode_round_trips_through_as_str() {
        let mut g = Gen(1);
        for i in 0..6000 {
            let canonical = valid_postcode(&mut g, i % 6);
            let parsed = pc(&canonical);
            assert_eq!(parsed.as_str(), canonical);
            assert_eq!(pc(parsed.as_str()), parsed);
            assert_eq!(format!("{} {}", parsed.outward(), parsed.inward()), canonical);
            assert!(parsed.sector().starts_with(parsed.district()));
            assert!(parsed.district().starts_with(parsed.area()));
        }
    }

    #[test]
    fn lower_case_and_unspaced_forms_normalise_identically() {
        let mut g = Gen(2);
        for i in 0..6000 {
            let canonical = valid_postcode(&mut g, i % 6);
            let compact: String = canonical.chars().filter(|c| *c != ' ').collect();
            let lower = canonical.to_ascii_lowercase();
            let padded = format!("  {}  ", compact.to_ascii_lowercase());
            for variant in [&compact, &lower, &padded] {
                assert_eq!(pc(variant).as_str(), canonical, "{variant:?}");
            }
        }
    }

    #[test]
    fn random_strings_are_accepted_exactly_when_the_rules_allow() {
        let mut g = Gen(3);
        let mut accepted = 0;
        for i in 0..200_000 {
            let len = 5 + (i % 3);
            // Bias towards plausible shapes so both outcomes are exercised often.
            let compact: String = (0..len)
                .map(|pos| {
                    let from_end = len - pos;
                    match (pos, from_end) {
                        (_, 3) => g.pick(DIGITS),
                        (_, 1 | 2) | (0, _) => g.pick(LETTERS),
                        _ => g.pick(ALNUM),
                    }
                })
                .collect();
            let expected = oracle(&compact);
            assert_eq!(Postcode::parse(&compact).is_ok(), expected, "{compact}");
            accepted += usize::from(expected);
        }
        assert!(accepted > 1000, "generator should produce valid postcodes too");
    }

    #[test]
    fn changing_any_character_of_a_valid_postcode_to_a_symbol_is_rejected() {
        let mut g = Gen(4);
        for i in 0..500 {
            let canonical = valid_postcode(&mut g, i % 6);
            for pos in 0..canonical.len() {
                if canonical.as_bytes()[pos] == b' ' {
                    continue;
                }
                let mut broken = canonical.clone();
                broken.replace_range(pos..=pos, "#");
                assert_eq!(Postcode::parse(&broken), Err(PostcodeError::InvalidCharacters));
            }
        }
    }
}
