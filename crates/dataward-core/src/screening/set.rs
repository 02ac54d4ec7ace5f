//! `ScreeningSet`: an in-memory set of 64-bit digest prefixes, built for fast membership tests
//! against registers of tens of millions of entries.
//!
//! Layout: the prefixes sorted in one `Vec<u64>` (8 bytes an entry: 160 MB for 20,000,000) plus
//! a directory indexed by the top `b` bits of a prefix, where `2^b` is about an eighth of the
//! entry count, holding where each bucket starts (4 bytes a bucket: about half a byte an entry).
//! A lookup reads two neighbouring directory slots and scans a bucket of about eight entries
//! (one or two cache lines), so it costs two or three cache misses however large the set is.
//! Because the prefixes come from HMAC-SHA256 they are uniform, so buckets stay small.
//!
//! **False positives.** Only the first 64 bits of each 256-bit digest are kept. A value that is
//! *not* in a register of `n` entries matches one by accident with probability `n / 2^64`: for
//! `n` = 20,000,000 that is about 1.1 × 10⁻¹², or roughly one wrongly screened row in a million
//! lists of a million rows. A false positive can only suppress a contact (withhold a number, skip
//! a letter); it never discloses anything, so the saving (a quarter of the memory of full
//! digests) is worth it. There are no false negatives.

use crate::keys::Digest;

/// The 64-bit prefix of a digest that screening sets hold.
pub fn truncate(digest: &Digest) -> u64 {
    let mut prefix = [0u8; 8];
    prefix.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(prefix)
}

/// Target entries per directory bucket.
const BUCKET_TARGET: usize = 8;

/// A set of 64-bit digest prefixes. Build it once, then share it read-only between threads.
#[derive(Clone, Default)]
pub struct ScreeningSet {
    keys: Vec<u64>,
    /// `directory[i]..directory[i + 1]` is the range of `keys` whose top bits equal `i`.
    directory: Vec<u32>,
    /// `64 - b`: how far a key is shifted to give its bucket.
    shift: u32,
}

impl std::fmt::Debug for ScreeningSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScreeningSet({} entries)", self.keys.len())
    }
}

impl ScreeningSet {
    /// A set of the prefixes of `digests`.
    pub fn from_digests<'a>(digests: impl IntoIterator<Item = &'a Digest>) -> ScreeningSet {
        ScreeningSet::from_prefixes(digests.into_iter().map(truncate).collect())
    }

    /// A set of already truncated prefixes (duplicates are removed).
    pub fn from_prefixes(mut keys: Vec<u64>) -> ScreeningSet {
        keys.sort_unstable();
        keys.dedup();
        keys.shrink_to_fit();
        assert!(keys.len() < u32::MAX as usize, "a screening set holds fewer than 2^32 entries");
        let buckets = (keys.len() / BUCKET_TARGET).max(2).next_power_of_two();
        let bits = buckets.trailing_zeros();
        let shift = 64 - bits;
        let mut directory = Vec::with_capacity(buckets + 1);
        let mut next = 0usize;
        for bucket in 0..buckets as u64 {
            while next < keys.len() && (keys[next] >> shift) < bucket {
                next += 1;
            }
            directory.push(next as u32);
        }
        directory.push(keys.len() as u32);
        ScreeningSet { keys, directory, shift }
    }

    /// Whether the set holds this prefix.
    #[inline]
    pub fn contains(&self, key: u64) -> bool {
        if self.keys.is_empty() {
            return false;
        }
        let bucket = (key >> self.shift) as usize;
        let (start, end) = (self.directory[bucket] as usize, self.directory[bucket + 1] as usize);
        // A bucket holds about eight keys in one or two cache lines: a straight scan beats a
        // binary search's mispredicted branches.
        self.keys[start..end].contains(&key)
    }

    /// Whether the set holds each of `keys`, in order. Much faster than `contains` key by key on a
    /// set larger than the CPU caches: the directory reads of a group of keys are issued
    /// together, then the first and last cache line of each bucket are touched together, so
    /// their memory latencies overlap instead of adding up; the scans then hit the cache.
    pub fn contains_batch(&self, keys: &[u64]) -> Vec<bool> {
        const GROUP: usize = 32;
        let mut out = Vec::with_capacity(keys.len());
        if self.keys.is_empty() {
            out.resize(keys.len(), false);
            return out;
        }
        let mut ranges = [(0usize, 0usize); GROUP];
        for group in keys.chunks(GROUP) {
            for (range, &key) in ranges.iter_mut().zip(group) {
                let bucket = (key >> self.shift) as usize;
                *range = (self.directory[bucket] as usize, self.directory[bucket + 1] as usize);
            }
            let mut touched = 0u64;
            for &(start, end) in &ranges[..group.len()] {
                if start < end {
                    touched ^= self.keys[start] ^ self.keys[end - 1];
                }
            }
            std::hint::black_box(touched);
            for (&(start, end), &key) in ranges.iter().zip(group) {
                out.push(self.keys[start..end].contains(&key));
            }
        }
        out
    }

    /// Whether the set holds this digest's prefix.
    pub fn contains_digest(&self, digest: &Digest) -> bool {
        self.contains(truncate(digest))
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Bytes of memory held by the set.
    pub fn heap_bytes(&self) -> usize {
        self.keys.capacity() * 8 + self.directory.capacity() * 4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic spread of 64-bit values (SplitMix64).
    fn spread(seed: u64, n: usize) -> Vec<u64> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
                let mut z = state;
                z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
                z ^ (z >> 31)
            })
            .collect()
    }

    #[test]
    fn every_member_is_found_and_non_members_are_not() {
        let members = spread(1, 50_000);
        let set = ScreeningSet::from_prefixes(members.clone());
        assert_eq!(set.len(), 50_000);
        assert!(members.iter().all(|&k| set.contains(k)));
        let outsiders = spread(2, 50_000);
        assert_eq!(outsiders.iter().filter(|&&k| set.contains(k)).count(), 0);
    }

    #[test]
    fn a_batch_lookup_answers_exactly_as_single_lookups_do() {
        let members = spread(4, 10_000);
        let set = ScreeningSet::from_prefixes(members[..5_000].to_vec());
        let mut probe: Vec<u64> = members.iter().copied().step_by(3).collect();
        probe.push(0);
        let single: Vec<bool> = probe.iter().map(|&k| set.contains(k)).collect();
        assert_eq!(set.contains_batch(&probe), single);
        assert_eq!(single.iter().filter(|&&b| b).count(), 1_667);
        assert_eq!(ScreeningSet::default().contains_batch(&[1, 2]), [false, false]);
    }

    #[test]
    fn extreme_values_and_duplicates_are_handled() {
        let set = ScreeningSet::from_prefixes(vec![0, u64::MAX, 0, 1 << 63, u64::MAX]);
        assert_eq!(set.len(), 3);
        for k in [0, u64::MAX, 1 << 63] {
            assert!(set.contains(k), "{k}");
        }
        assert!(!set.contains(1));
        assert!(!set.contains(u64::MAX - 1));
    }

    #[test]
    fn an_empty_set_contains_nothing() {
        let set = ScreeningSet::from_prefixes(Vec::new());
        assert!(set.is_empty());
        assert!(!set.contains(0));
        assert!(!set.contains(u64::MAX));
    }

    #[test]
    fn a_digest_is_found_by_its_first_eight_bytes() {
        let mut digest = [0u8; 32];
        digest[..8].copy_from_slice(&42u64.to_be_bytes());
        digest[31] = 9;
        let set = ScreeningSet::from_digests([&digest]);
        assert!(set.contains(42));
        assert!(set.contains_digest(&digest));
    }

    #[test]
    fn the_directory_costs_about_half_a_byte_per_entry() {
        let set = ScreeningSet::from_prefixes(spread(3, 1 << 16));
        assert!(set.heap_bytes() <= (1 << 16) * 8 + (1 << 16) / 2 + 8, "{}", set.heap_bytes());
    }
}
