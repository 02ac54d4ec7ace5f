//! Verifying a chain: the first entry that was altered, removed or moved.

use std::collections::HashSet;

use super::{AuditEntry, GENESIS_HASH, entry_hash};

/// The first place a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    /// The entry's content no longer gives its hash, or the entry after it no longer points at it.
    #[error("audit entry {seq} was altered")]
    Altered { seq: i64 },
    /// One or more entries are missing, starting with `seq`.
    #[error("audit entry {seq} was removed")]
    Removed { seq: i64 },
    /// The entry at `seq` belongs elsewhere in the chain (it points at another entry than the one
    /// before it).
    #[error("audit entry {seq} is out of order")]
    Reordered { seq: i64 },
}

impl ChainBreak {
    /// The sequence number of the first bad (or first missing) entry.
    pub fn seq(&self) -> i64 {
        match self {
            ChainBreak::Altered { seq } | ChainBreak::Removed { seq } | ChainBreak::Reordered { seq } => *seq,
        }
    }
}

/// Walks `entries` (in the order stored, by sequence number) and returns how many were checked,
/// or the first break. `head` is the last sequence number the store says it appended (kept apart
/// from the entries), so that removing entries from the end is found too.
pub fn verify_chain(entries: &[AuditEntry], head: i64) -> Result<usize, ChainBreak> {
    let hashes: HashSet<&str> = entries.iter().map(|e| e.hash.as_str()).collect();
    let mut prev: Option<&AuditEntry> = None;
    for entry in entries {
        let (expected_seq, expected_prev) = match prev {
            None => (1, GENESIS_HASH),
            Some(p) => (p.seq + 1, p.hash.as_str()),
        };
        if entry.seq > expected_seq {
            return Err(ChainBreak::Removed { seq: expected_seq });
        }
        if entry.prev_hash != expected_prev {
            if entry.prev_hash != GENESIS_HASH && hashes.contains(entry.prev_hash.as_str()) {
                return Err(ChainBreak::Reordered { seq: entry.seq });
            }
            if entry_hash(entry) == entry.hash {
                // This entry is intact, so the one before it was rewritten (with a new hash).
                return Err(ChainBreak::Altered { seq: prev.map_or(entry.seq, |p| p.seq) });
            }
            return Err(ChainBreak::Altered { seq: entry.seq });
        }
        if entry_hash(entry) != entry.hash {
            return Err(ChainBreak::Altered { seq: entry.seq });
        }
        prev = Some(entry);
    }
    let last = prev.map_or(0, |p| p.seq);
    if head > last {
        return Err(ChainBreak::Removed { seq: last + 1 });
    }
    Ok(entries.len())
}
