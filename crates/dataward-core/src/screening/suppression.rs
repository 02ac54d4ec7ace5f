//! `SuppressionIndex`: the operator's own suppression list in memory, by digest prefix, with the
//! reason and scope of every entry. The list is small next to the registers, so a hash map keyed
//! by the (already uniformly random) prefix, with a pass-through hasher, is enough.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::keys::Digest;

use super::set::truncate;
use super::vocabulary::{IdentifierKind, Scope, SuppressionReason};

/// One suppression as screening needs it: no clear value, no person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SuppressionEntry {
    pub identifier: IdentifierKind,
    pub reason: SuppressionReason,
    pub scope: Scope,
}

/// Hashes a `u64` that is already a uniform digest prefix by passing it through.
#[derive(Default)]
pub struct PrefixHasher(u64);

impl Hasher for PrefixHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The suppression list by digest prefix (see `set` for what truncation to 64 bits costs).
#[derive(Debug, Clone, Default)]
pub struct SuppressionIndex {
    entries: HashMap<u64, Vec<SuppressionEntry>, BuildHasherDefault<PrefixHasher>>,
    len: usize,
}

impl SuppressionIndex {
    pub fn new() -> SuppressionIndex {
        SuppressionIndex::default()
    }

    /// Adds one suppression of `digest`; an identical entry is kept once.
    pub fn insert(&mut self, digest: &Digest, entry: SuppressionEntry) {
        let list = self.entries.entry(truncate(digest)).or_default();
        if !list.contains(&entry) {
            list.push(entry);
            self.len += 1;
        }
    }

    /// The suppressions of a digest prefix (empty when none).
    #[inline]
    pub fn get(&self, prefix: u64) -> &[SuppressionEntry] {
        self.entries.get(&prefix).map_or(&[], Vec::as_slice)
    }

    /// Number of entries (an identifier suppressed for two reasons counts twice).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screening::vocabulary::ContactChannel;

    #[test]
    fn an_identifier_can_be_suppressed_for_several_reasons_and_repeats_are_kept_once() {
        let digest = [5u8; 32];
        let opt_out = SuppressionEntry {
            identifier: IdentifierKind::Email,
            reason: SuppressionReason::OptOut,
            scope: Scope::Channel(ContactChannel::Email),
        };
        let erasure = SuppressionEntry { reason: SuppressionReason::Erasure, scope: Scope::All, ..opt_out };
        let mut index = SuppressionIndex::new();
        index.insert(&digest, opt_out);
        index.insert(&digest, erasure);
        index.insert(&digest, opt_out);
        assert_eq!(index.len(), 2);
        assert_eq!(index.get(truncate(&digest)), &[opt_out, erasure]);
        assert!(index.get(truncate(&[6u8; 32])).is_empty());
    }
}
