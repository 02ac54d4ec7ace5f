//! One entry of a register file: what a line says, or precisely why it cannot be used.
//!
//! File formats (see also `parser`):
//! - **TPS / CTPS, full**: one UK number per line, in any common national or international
//!   writing (`01632960123`, `+44 1632 960123`). An optional header line (a first line with no
//!   digits, such as `telephone_number`) is skipped.
//! - **MPS, full**: CSV with a header naming at least a surname column (`surname`, `last_name`),
//!   a first address line (`address_1`, `address_line_1`, `address1`, `address`) and `postcode`;
//!   other columns (title, forename, further address lines, town) are ignored.
//! - **Delta** (any register): the same, with a leading action column: `add` (or `a`, `+`) or
//!   `remove` (or `delete`, `r`, `d`, `-`). For TPS/CTPS a line reads `add,01632960123`; for
//!   MPS the header gains an `action` column.
//!
//! Numbers are checked leniently on purpose: a register is the authority on which numbers exist,
//! so an entry is accepted when it has the shape of a UK number (a national significant number of
//! 9 or 10 digits) even if a numbering-plan library does not know its range yet. Rejecting a real
//! entry would mean calling a registered number; accepting a nonexistent one costs nothing.

use super::keys::{NameAddressError, name_address_key, phone_key};

/// What a delta line does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    Add,
    Remove,
}

impl Action {
    pub fn parse(text: &str) -> Result<Action, EntryError> {
        match text.trim().to_ascii_lowercase().as_str() {
            "add" | "a" | "+" => Ok(Action::Add),
            "remove" | "delete" | "r" | "d" | "-" => Ok(Action::Remove),
            "" => Err(EntryError::MissingAction),
            _ => Err(EntryError::UnknownAction),
        }
    }
}

/// Why a register line was rejected. Messages never repeat the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("a number may contain only digits, spaces, dashes, dots, brackets and a leading +")]
    InvalidCharacters,
    #[error("not the length of a UK telephone number")]
    NotAPhoneNumber,
    #[error("not a UK number")]
    NotUk,
    #[error("more than one column in a full register file (a delta file needs --delta)")]
    UnexpectedColumns,
    #[error("expected {expected} columns, found {found}")]
    WrongFieldCount { expected: usize, found: usize },
    #[error("the action column is empty")]
    MissingAction,
    #[error("the action must be add or remove")]
    UnknownAction,
    #[error("{0}")]
    NameAddress(#[from] NameAddressError),
}

/// The screening key (E.164) of a TPS or CTPS number.
pub fn register_number(text: &str) -> Result<String, EntryError> {
    let allowed =
        |(i, c): (usize, char)| c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '(' | ')') || (c == '+' && i == 0);
    if !text.trim().char_indices().all(allowed) {
        return Err(EntryError::InvalidCharacters);
    }
    let key = phone_key(text).ok_or(EntryError::NotAPhoneNumber)?;
    if key.starts_with("+44") { Ok(key) } else { Err(EntryError::NotUk) }
}

/// One line of a TPS or CTPS file (its comma-separated fields): the action and the number's key.
pub fn number_line(fields: &[&str], delta: bool) -> Result<(Action, String), EntryError> {
    match (delta, fields) {
        (false, [number]) => Ok((Action::Add, register_number(number)?)),
        (false, _) => Err(EntryError::UnexpectedColumns),
        (true, [action, number]) => Ok((Action::parse(action)?, register_number(number)?)),
        (true, _) => Err(EntryError::WrongFieldCount { expected: 2, found: fields.len() }),
    }
}

/// Where the MPS fields are, found from the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MpsColumns {
    action: Option<usize>,
    surname: usize,
    address: usize,
    postcode: usize,
    width: usize,
}

/// A header that lacks a column the file needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the header has no {0} column")]
pub struct MissingColumn(pub &'static str);

const SURNAME: &[&str] = &["surname", "lastname", "familyname"];
const ADDRESS: &[&str] = &["address1", "addressline1", "addr1", "address", "line1"];
const POSTCODE: &[&str] = &["postcode", "postalcode", "postcodezip"];
const ACTION: &[&str] = &["action"];

impl MpsColumns {
    /// Finds the columns by name (case, spaces, underscores and hyphens ignored).
    pub fn from_header(header: &[&str], delta: bool) -> Result<MpsColumns, MissingColumn> {
        let names: Vec<String> = header
            .iter()
            .map(|h| h.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase())
            .collect();
        let find = |aliases: &[&str], what: &'static str| {
            aliases.iter().find_map(|a| names.iter().position(|n| n == a)).ok_or(MissingColumn(what))
        };
        Ok(MpsColumns {
            action: if delta { Some(find(ACTION, "action")?) } else { None },
            surname: find(SURNAME, "surname")?,
            address: find(ADDRESS, "first address line")?,
            postcode: find(POSTCODE, "postcode")?,
            width: header.len(),
        })
    }

    /// One MPS record: the action and the name-and-address key.
    pub fn entry(&self, fields: &[&str]) -> Result<(Action, String), EntryError> {
        if fields.len() != self.width {
            return Err(EntryError::WrongFieldCount { expected: self.width, found: fields.len() });
        }
        let action = match self.action {
            Some(i) => Action::parse(fields[i])?,
            None => Action::Add,
        };
        let key = name_address_key(fields[self.surname], fields[self.address], fields[self.postcode])?;
        Ok((action, key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_and_international_numbers_give_the_same_key() {
        assert_eq!(register_number("01632960123").unwrap(), "+441632960123");
        assert_eq!(register_number(" +44 1632 960123 ").unwrap(), "+441632960123");
    }

    #[test]
    fn malformed_numbers_are_rejected_with_a_reason() {
        assert_eq!(register_number("0163296012x"), Err(EntryError::InvalidCharacters));
        assert_eq!(register_number("0163296"), Err(EntryError::NotAPhoneNumber));
        assert_eq!(register_number("+33 6 12 34 56 78"), Err(EntryError::NotUk));
    }

    #[test]
    fn a_delta_line_needs_an_action_and_a_full_line_refuses_one() {
        assert_eq!(number_line(&["add", "01632960123"], true).unwrap(), (Action::Add, "+441632960123".into()));
        assert_eq!(number_line(&["-", "01632960123"], true).unwrap().0, Action::Remove);
        assert_eq!(number_line(&["", "01632960123"], true), Err(EntryError::MissingAction));
        assert_eq!(number_line(&["keep", "01632960123"], true), Err(EntryError::UnknownAction));
        assert_eq!(number_line(&["01632960123"], true), Err(EntryError::WrongFieldCount { expected: 2, found: 1 }));
        assert_eq!(number_line(&["add", "01632960123"], false), Err(EntryError::UnexpectedColumns));
    }

    #[test]
    fn mps_columns_are_found_by_name_in_any_order() {
        let header = ["Title", "Forename", "Last Name", "Address_1", "Address_2", "Town", "Post Code"];
        let cols = MpsColumns::from_header(&header, false).unwrap();
        let fields = ["Mrs", "Ann", "Smith", "12 High St", "", "Leeds", "LS1 4AP"];
        assert_eq!(cols.entry(&fields).unwrap(), (Action::Add, "smith|LS1 4AP|12".into()));
    }

    #[test]
    fn an_mps_header_without_a_postcode_or_a_delta_without_action_is_refused() {
        assert_eq!(MpsColumns::from_header(&["surname", "address_1"], false), Err(MissingColumn("postcode")));
        assert_eq!(MpsColumns::from_header(&["surname", "address_1", "postcode"], true), Err(MissingColumn("action")));
    }

    #[test]
    fn an_mps_record_with_a_bad_postcode_or_short_row_is_rejected() {
        let cols = MpsColumns::from_header(&["action", "surname", "address_1", "postcode"], true).unwrap();
        assert_eq!(cols.entry(&["remove", "Smith", "12 High St", "LS1 4AP"]).unwrap().0, Action::Remove);
        assert!(matches!(cols.entry(&["add", "Smith", "12 High St", "LS1"]), Err(EntryError::NameAddress(_))));
        assert_eq!(cols.entry(&["add", "Smith"]), Err(EntryError::WrongFieldCount { expected: 4, found: 2 }));
    }
}
