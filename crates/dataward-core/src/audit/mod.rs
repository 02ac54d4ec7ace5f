//! The tamper-evident audit log, as pure functions: who did what to which ids, chained by
//! SHA-256 so that any altered, removed or reordered entry is found by [`verify_chain`].
//!
//! Layout:
//! - `entry`: actors, action names and one entry as it is chained.
//! - `chain`: the canonical encoding and the hash of an entry over its predecessor's hash.
//! - `verify`: walking a chain in sequence order and naming the first bad entry.
//!
//! Entries carry ids, counts and reason codes only, never a personal value in clear: the
//! caller's `detail` is stored as given, so it must be built from ids and numbers. Storage (and
//! serialising appends so the chain never forks) lives in `dataward_store::audit`.

mod chain;
mod entry;
mod verify;

pub use chain::{GENESIS_HASH, entry_hash};
pub use entry::{Actor, AuditEntry, AuditError, NewAuditEntry};
pub use verify::{ChainBreak, verify_chain};

#[cfg(test)]
mod tests;
