//! Screening keys: the normalised text of each identifier a register or suppression lists, and
//! its keyed digest.
//!
//! - **Phone**: E.164 (`+441632960123`), the same text `normalise::PhoneNumber` produces and in
//!   the same digest domain as the identity keys (`id:phone`), so a stored person's phone keys can
//!   be checked against a register directly. `phone_key` is a fast path for screening lists: it
//!   only rewrites UK prefixes and does not consult the numbering plan, so it agrees with
//!   `PhoneNumber::parse` on every valid number (tested below) and merely fails to find invalid
//!   ones, which no register holds. Registers are loaded through the strict parser.
//! - **Email**: trimmed and lower-cased, as `normalise::Email` stores it (domain `id:email`).
//! - **Name + address** (MPS): `surname|postcode|premise` (domain `id:name_address`). MPS lists a
//!   person's name at an address; the key uses the surname (letters only, lower case), the
//!   canonical postcode and the *premise* from the first address line: the leading words up to
//!   and including the first one that holds a digit (`12`, `12a`, `flat 3`), or, for a named
//!   house with no number, the words before the first comma (`rose cottage`). Street names are
//!   left out because they are written in too many ways (`St`, `Street`); the postcode already
//!   narrows to a handful of addresses. First names are left out because registers and client
//!   lists disagree on initials, titles and nicknames. Both choices can only make two different
//!   people share a key (same surname, same premise, same postcode), which over-suppresses:
//!   the safe direction for a register.

use crate::keys::{Digest, Indexer};
use crate::normalise::{Postcode, PostcodeError};

use super::vocabulary::IdentifierKind;

/// The digest domain for each identifier kind.
pub fn domain(kind: IdentifierKind) -> &'static str {
    match kind {
        IdentifierKind::Email => "id:email",
        IdentifierKind::Phone => "id:phone",
        IdentifierKind::NameAddress => "id:name_address",
    }
}

/// The identifiers that single a person out, as `(kind, digest)`: each email, each phone, and
/// the name + address key of each address. Used to suppress an erased person's identifiers and to
/// recognise them when a partner sends them again. Identifiers that cannot be keyed are skipped.
pub fn subject_digests(
    indexer: &Indexer,
    emails: &[&str],
    phones: &[&str],
    addresses: &[(&str, &str, &str)],
) -> Vec<(IdentifierKind, Digest)> {
    let mut out = Vec::new();
    for e in emails {
        if let Some(k) = email_key(e) {
            out.push((IdentifierKind::Email, digest(indexer, IdentifierKind::Email, &k)));
        }
    }
    for p in phones {
        if let Some(k) = phone_key(p) {
            out.push((IdentifierKind::Phone, digest(indexer, IdentifierKind::Phone, &k)));
        }
    }
    for (surname, line, postcode) in addresses {
        if let Ok(k) = name_address_key(surname, line, postcode) {
            out.push((IdentifierKind::NameAddress, digest(indexer, IdentifierKind::NameAddress, &k)));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The keyed digest of a screening key's text.
pub fn digest(indexer: &Indexer, kind: IdentifierKind, key: &str) -> Digest {
    indexer.digest(domain(kind), key)
}

/// A UK number (or `+`/`00` international number) in E.164 without consulting the numbering
/// plan; `None` when it cannot be a phone number at all.
pub fn phone_key(raw: &str) -> Option<String> {
    let mut out = String::new();
    write_phone_key(raw, &mut out).then_some(out)
}

/// Most digits a written number may have (E.164 has at most 15, plus `00` and a trunk `0`).
const MAX_DIGITS: usize = 20;

/// `phone_key` into a reusable buffer (cleared first); `false` when there is no key.
pub fn write_phone_key(raw: &str, out: &mut String) -> bool {
    out.clear();
    let trimmed = raw.trim();
    let mut buf = [0u8; MAX_DIGITS];
    let mut len = 0;
    for (i, c) in trimmed.char_indices() {
        match c {
            '0'..='9' if len < MAX_DIGITS => {
                buf[len] = c as u8;
                len += 1;
            }
            '0'..='9' => return false,
            ' ' | '-' | '.' | '(' | ')' => {}
            '+' if i == 0 => {}
            _ => return false,
        }
    }
    let digits = &buf[..len];
    let national: &[u8] = if trimmed.starts_with('+') {
        match digits.strip_prefix(b"44") {
            Some(rest) => rest,
            None => return write_foreign(digits, out),
        }
    } else if let Some(rest) = digits.strip_prefix(b"0044") {
        rest
    } else if let Some(rest) = digits.strip_prefix(b"00") {
        return write_foreign(rest, out);
    } else if digits.len() == 12 && digits.starts_with(b"44") {
        &digits[2..]
    } else {
        digits
    };
    // "+44 (0)20 ..." and "020 ..." both carry the trunk 0, which E.164 drops.
    let national = national.strip_prefix(b"0").unwrap_or(national);
    if !(9..=10).contains(&national.len()) || national.starts_with(b"0") {
        return false;
    }
    out.push_str("+44");
    out.extend(national.iter().map(|&b| b as char));
    true
}

fn write_foreign(digits: &[u8], out: &mut String) -> bool {
    if !(8..=15).contains(&digits.len()) || digits.starts_with(b"0") {
        return false;
    }
    out.push('+');
    out.extend(digits.iter().map(|&b| b as char));
    true
}

/// An email address as the store keys it: trimmed and lower-cased; `None` without an `@`.
pub fn email_key(raw: &str) -> Option<String> {
    let mut out = String::new();
    write_email_key(raw, &mut out).then_some(out)
}

/// `email_key` into a reusable buffer (cleared first); `false` when there is no key.
pub fn write_email_key(raw: &str, out: &mut String) -> bool {
    out.clear();
    let trimmed = raw.trim();
    if trimmed.is_ascii() {
        out.extend(trimmed.chars().map(|c| c.to_ascii_lowercase()));
    } else {
        // `str::to_lowercase` (not per-char) so a final sigma lowers as `Email::parse` lowers it.
        out.push_str(&trimmed.to_lowercase());
    }
    out.len() >= 3 && out.contains('@')
}

/// Why a name and address cannot give an MPS key. Messages never repeat the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameAddressError {
    #[error("surname is missing or has no letters")]
    MissingSurname,
    #[error("first address line is missing")]
    MissingAddress,
    #[error("postcode: {0}")]
    Postcode(#[from] PostcodeError),
}

/// The MPS key `surname|postcode|premise` (see the module documentation).
pub fn name_address_key(surname: &str, address_line: &str, postcode: &str) -> Result<String, NameAddressError> {
    let mut out = String::new();
    write_name_address_key(surname, address_line, postcode, &mut out)?;
    Ok(out)
}

/// `name_address_key` into a reusable buffer (cleared first).
pub fn write_name_address_key(
    surname: &str,
    address_line: &str,
    postcode: &str,
    out: &mut String,
) -> Result<(), NameAddressError> {
    out.clear();
    out.extend(surname.chars().filter(|c| c.is_alphabetic()).flat_map(char::to_lowercase));
    if out.is_empty() {
        return Err(NameAddressError::MissingSurname);
    }
    let postcode = Postcode::parse(postcode)?;
    out.push('|');
    out.push_str(postcode.as_str());
    out.push('|');
    if !write_premise(address_line, out) {
        return Err(NameAddressError::MissingAddress);
    }
    Ok(())
}

fn is_word_break(c: char) -> bool {
    c.is_whitespace() || c == ','
}

fn is_kept(c: &char) -> bool {
    c.is_alphanumeric() || *c == '-'
}

/// Appends the premise of a first address line: words up to the first holding a digit, else the
/// words before the first comma; lower case, letters, digits and hyphens only, single spaces.
/// `false` when there is none.
fn write_premise(address_line: &str, out: &mut String) -> bool {
    let numbered = address_line.bytes().any(|b| b.is_ascii_digit());
    let source = if numbered { address_line } else { address_line.split(',').next().unwrap_or("") };
    let mut first = true;
    for word in source.split(is_word_break) {
        if !word.chars().any(|c| is_kept(&c)) {
            continue;
        }
        if !first {
            out.push(' ');
        }
        first = false;
        out.extend(word.chars().filter(is_kept).flat_map(char::to_lowercase));
        if numbered && word.bytes().any(|b| b.is_ascii_digit()) {
            break;
        }
    }
    !first
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalise::{Email, PhoneNumber};

    #[test]
    fn the_fast_phone_key_agrees_with_the_strict_parser_on_valid_numbers() {
        let mut checked = 0;
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
            "020 7946 0018",
            "0117 496 0123",
            "01632 960123",
            "+33 6 12 34 56 78",
            "0800 123 4567",
            "07700 900123",
        ] {
            let strict = PhoneNumber::parse(raw).map(|p| p.e164().to_string());
            if let Ok(strict) = strict {
                assert_eq!(phone_key(raw).as_deref(), Some(strict.as_str()), "{raw}");
                checked += 1;
            }
        }
        assert!(checked >= 14, "only {checked} numbers were valid for the strict parser");
    }

    #[test]
    fn every_way_of_writing_a_landline_gives_one_key() {
        for raw in ["01632960123", "+441632960123", "01632 960 123", "0044 1632 960123", "+44 (0)1632 960123"] {
            assert_eq!(phone_key(raw).as_deref(), Some("+441632960123"), "{raw}");
        }
    }

    #[test]
    fn text_that_cannot_be_a_number_has_no_phone_key() {
        for raw in ["", "0800 FLOWERS", "12345", "0000000000", "07911 123456 ext 2", "44+7911123456"] {
            assert_eq!(phone_key(raw), None, "{raw}");
        }
    }

    #[test]
    fn the_email_key_is_what_the_email_parser_stores() {
        for raw in ["  Jane.Doe@Example.CO.UK ", "tom@example.com"] {
            assert_eq!(email_key(raw).unwrap(), Email::parse(raw).unwrap().as_str());
        }
        assert_eq!(email_key("not an address"), None);
    }

    #[test]
    fn house_numbers_key_the_address_whatever_the_street_is_called() {
        let a = name_address_key("O'Brien", "12 High Street", "ls1 4ap").unwrap();
        let b = name_address_key("OBRIEN", "12, High St.", "LS14AP").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, "obrien|LS1 4AP|12");
    }

    #[test]
    fn flats_and_lettered_houses_keep_their_designation() {
        assert_eq!(name_address_key("Smith", "Flat 3, 12 High St", "LS1 4AP").unwrap(), "smith|LS1 4AP|flat 3");
        assert_eq!(name_address_key("Smith", "12A High St", "LS1 4AP").unwrap(), "smith|LS1 4AP|12a");
        assert_ne!(
            name_address_key("Smith", "12A High St", "LS1 4AP").unwrap(),
            name_address_key("Smith", "12B High St", "LS1 4AP").unwrap()
        );
    }

    #[test]
    fn a_named_house_is_keyed_by_the_words_before_the_comma() {
        let a = name_address_key("Smith", "Rose Cottage, Mill Lane", "LS1 4AP").unwrap();
        let b = name_address_key("smith", "  rose  cottage ", "LS1 4AP").unwrap();
        assert_eq!(a, b);
        assert_eq!(a, "smith|LS1 4AP|rose cottage");
    }

    #[test]
    fn missing_parts_of_a_name_and_address_are_named() {
        assert_eq!(name_address_key("", "12 High St", "LS1 4AP"), Err(NameAddressError::MissingSurname));
        assert_eq!(name_address_key("Smith", " , ", "LS1 4AP"), Err(NameAddressError::MissingAddress));
        assert!(matches!(name_address_key("Smith", "12 High St", "LS1"), Err(NameAddressError::Postcode(_))));
    }

    #[test]
    fn the_same_text_as_a_phone_and_as_an_email_has_different_digests() {
        let ix = Indexer::new(&[1u8; 32]).unwrap();
        assert_ne!(digest(&ix, IdentifierKind::Phone, "x"), digest(&ix, IdentifierKind::Email, "x"));
        assert_eq!(digest(&ix, IdentifierKind::Phone, "+447911123456"), ix.digest("id:phone", "+447911123456"));
    }
}
