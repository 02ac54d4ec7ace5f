//! The canonical encoding of an entry and its hash.
//!
//! Every field is written as its byte length (8 bytes, big-endian) followed by its bytes, after a
//! version tag, so no two different entries encode alike (a field cannot leak into the next).
//! The hash is SHA-256 over that encoding, which includes the previous entry's hash.

use sha2::{Digest, Sha256};

use super::AuditEntry;

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

const VERSION: &[u8] = b"dataward-audit-v1";

/// The hash an entry must carry: SHA-256 over its canonical encoding and `prev_hash`.
pub fn entry_hash(entry: &AuditEntry) -> String {
    let mut hasher = Sha256::new();
    let seq = entry.seq.to_string();
    let fields: [&[u8]; 8] = [
        VERSION,
        seq.as_bytes(),
        entry.at.as_bytes(),
        entry.actor.as_bytes(),
        entry.action.as_bytes(),
        entry.target.as_bytes(),
        entry.detail.as_bytes(),
        entry.prev_hash.as_bytes(),
    ];
    for field in fields {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field);
    }
    hex::encode(hasher.finalize())
}
