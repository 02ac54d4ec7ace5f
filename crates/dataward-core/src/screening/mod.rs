//! Screening against the preference registers (TPS, CTPS, MPS) and the operator's suppression
//! list.
//!
//! Layout:
//! - `vocabulary`: register kinds, load modes, identifier kinds, suppression reasons and scopes.
//! - `keys`: the normalised screening key of a phone, email or name + address, and its digest.
//! - `fields`, `entries`, `parser`: register file formats, line by line, with counted rejections.
//! - `set`: `ScreeningSet`, the compact in-memory set of 64-bit digest prefixes.
//! - `suppression`: `SuppressionIndex`, the suppression list with reasons and scopes.
//! - `screen`: `Screener::screen(row) -> Vec<Hit>` for a client's list row.
//!
//! Only keyed digests (HMAC-SHA256 under the server secret, see `keys::Indexer`) are produced or
//! kept; clear identifiers exist only while a line or row is being normalised.

pub mod entries;
pub mod fields;
pub mod keys;
pub mod parser;
pub mod screen;
pub mod set;
pub mod suppression;
pub mod vocabulary;

pub use entries::{Action, EntryError};
pub use fields::{UnclosedQuote, split_line};
pub use keys::{NameAddressError, email_key, name_address_key, phone_key, subject_digests};
pub use parser::{Change, HeaderError, LoadReport, RegisterParser, Rejection};
pub use screen::{Hit, HitReason, HitSource, ListRow, NameAddress, RowKeys, Screener};
pub use set::{ScreeningSet, truncate};
pub use suppression::{SuppressionEntry, SuppressionIndex};
pub use vocabulary::{ContactChannel, IdentifierKind, LoadMode, RegisterKind, Scope, SuppressionReason};
