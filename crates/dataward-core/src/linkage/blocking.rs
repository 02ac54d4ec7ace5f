//! Blocking: which pairs are compared at all.
//!
//! Comparing every record with every other is quadratic, so records are put into *blocks* by
//! cheap keys, and only records sharing a key are compared. Several rules are OR-ed: a pair is a
//! candidate when any rule puts both records in one block, so a typo that defeats one rule (a
//! mistyped postcode) is caught by another (same date of birth and first initial). A block larger
//! than [`Blocker::max_block`] is skipped: a key that common (a frequent name with a frequent
//! birthday) is too weak to be worth its quadratic cost, and other rules still cover its records.
//!
//! A record is *indexed* under some keys and *probes* with others. For most rules the two are
//! the same; [`BlockingRule::FullName`] differs so that its blocks stay small as the base grows
//! (see there). Every rule is built so that a pair is found from either side: `probe(a)` meets
//! `index(b)` exactly when `probe(b)` meets `index(a)`, so incremental linking (a new record
//! probing the records already indexed) finds every pair a batch pass would.
//!
//! Keys are 64-bit hashes of the rule and its values, so an index holds no value in clear.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use super::compare::{MatchField, term_key};
use super::nicknames;
use super::record::MatchRecord;

/// A hasher for keys that are already well mixed (64-bit hashes) or small ids: a rotate, xor
/// and multiply per word (the "Fx" scheme), much cheaper than SipHash on the hot path. Not for
/// keys an adversary chooses.
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher(u64);

impl FastHasher {
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, x: u64) {
        self.add(x);
    }

    fn write_u32(&mut self, x: u32) {
        self.add(u64::from(x));
    }

    fn write_usize(&mut self, x: usize) {
        self.add(x as u64);
    }
}

/// A `HashMap` with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// One way of putting records into blocks.
///
/// Rules that use names use *either* name (first name or surname), so that names written in
/// each other's columns still share blocks; an initial also stands for the formal names a
/// nickname may stand for ("Bob" is in the "b" and "r" blocks). Each rule's blocks stay small as
/// the base grows: a name is paired with most of a date of birth, never with a year alone, and
/// Soundex codes (which group several names) only with both names and the postcode area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockingRule {
    /// Exact date of birth.
    Dob,
    /// Exact date of birth and the initial of either name.
    DobNameInitial,
    /// First name and surname, joined up, exactly (in either order), and the year of birth.
    ///
    /// A full name alone makes blocks that grow with the base ("John Smith" has dozens of
    /// records at a million persons, and a block over the limit is skipped altogether), so
    /// records with a date of birth meet by name and year; a mistyped year is caught by the
    /// name-and-birthday rule. A record *without* a date of birth still meets every record of
    /// its name: it is indexed under a "no date" key that records with a date probe, and probes
    /// an "any date" key that records with a date are indexed under.
    FullName,
    /// Either name, the other's initial, and year and month of birth (catches a mistyped day).
    NameBirthMonth,
    /// Either name, the other's initial, and month and day of birth (catches a mistyped year).
    NameBirthday,
    /// Either name, the other's initial, and year and day of birth (catches a mistyped month).
    NameBirthYearDay,
    /// The Soundex codes of both names (in either order) and the postcode area.
    NameSoundexesArea,
    /// Postcode (a UK postcode holds about fifteen households).
    Postcode,
    /// Street, house number and the initial of either name.
    StreetNumberNameInitial,
    /// Canonical email.
    Email,
    /// Any phone number.
    Phone,
    /// National identifier.
    NationalId,
    /// First name and surname, joined up, exactly (in either order), whatever the dates of
    /// birth. Not a default rule (its blocks grow with the base): it is the training session
    /// that estimates how often one person's records disagree on date of birth.
    /// [`BlockingRule::FullName`] cannot serve there, because its pairs share a year of birth,
    /// so the dates that disagree most would be missing from the estimate. (Declared last so
    /// that the other rules keep the tags their stored keys were made with.)
    FullNameAnyDate,
}

impl BlockingRule {
    /// The rules used to find candidates by default.
    pub const DEFAULT: &'static [BlockingRule] = &[
        BlockingRule::DobNameInitial,
        BlockingRule::FullName,
        BlockingRule::NameBirthMonth,
        BlockingRule::NameBirthday,
        BlockingRule::NameBirthYearDay,
        BlockingRule::NameSoundexesArea,
        BlockingRule::Postcode,
        BlockingRule::StreetNumberNameInitial,
        BlockingRule::Email,
        BlockingRule::Phone,
        BlockingRule::NationalId,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BlockingRule::Dob => "dob",
            BlockingRule::DobNameInitial => "dob+name_initial",
            BlockingRule::FullName => "first_name+surname",
            BlockingRule::NameBirthMonth => "name+birth_year_month",
            BlockingRule::NameBirthday => "name+birth_month_day",
            BlockingRule::NameBirthYearDay => "name+birth_year_day",
            BlockingRule::NameSoundexesArea => "name_soundexes+postcode_area",
            BlockingRule::Postcode => "postcode",
            BlockingRule::StreetNumberNameInitial => "street+number+name_initial",
            BlockingRule::Email => "email",
            BlockingRule::Phone => "phone",
            BlockingRule::NationalId => "national_id",
            BlockingRule::FullNameAnyDate => "first_name+surname+any_date",
        }
    }

    /// The fields a rule forces to agree: EM leaves them out when trained on the rule's pairs.
    pub fn fields(self) -> &'static [MatchField] {
        use MatchField as F;
        match self {
            BlockingRule::Dob | BlockingRule::DobNameInitial => &[F::DateOfBirth],
            BlockingRule::FullName | BlockingRule::FullNameAnyDate => &[F::FirstName, F::Surname],
            BlockingRule::NameBirthMonth | BlockingRule::NameBirthday | BlockingRule::NameBirthYearDay => {
                &[F::DateOfBirth]
            }
            BlockingRule::NameSoundexesArea => &[F::FirstName, F::Surname, F::Location],
            BlockingRule::Postcode | BlockingRule::StreetNumberNameInitial => &[F::Location],
            BlockingRule::Email => &[F::Email],
            BlockingRule::Phone => &[F::Phone],
            BlockingRule::NationalId => &[F::NationalId],
        }
    }

    /// Appends the keys the record is indexed under (none when a needed value is missing).
    pub fn keys(self, r: &MatchRecord, out: &mut Vec<u64>) {
        self.keys_for(r, KeySide::Index, out);
    }

    /// Appends the keys the record looks up to find its candidates.
    pub fn probe_keys(self, r: &MatchRecord, out: &mut Vec<u64>) {
        self.keys_for(r, KeySide::Probe, out);
    }

    fn keys_for(self, r: &MatchRecord, side: KeySide, out: &mut Vec<u64>) {
        let tag = self as u8;
        let mut push = |parts: &[&str]| {
            let mut buf = String::with_capacity(48);
            buf.push(char::from(b'A' + tag));
            for p in parts {
                buf.push('\u{1f}');
                buf.push_str(p);
            }
            let key = term_key(&buf);
            if !out.contains(&key) {
                out.push(key);
            }
        };
        let dob = r.dob.as_ref().map(|d| d.as_str());
        let soundexes: Vec<&str> =
            [r.first_soundex.as_deref(), r.surname_soundex.as_deref()].into_iter().flatten().collect();
        let postcode = r.postcode.as_ref().map(|p| p.full.as_str());
        match self {
            BlockingRule::Dob => {
                if let Some(d) = dob {
                    push(&[d]);
                }
            }
            BlockingRule::DobNameInitial => {
                if let Some(d) = dob {
                    for i in name_initials(r) {
                        push(&[d, &i]);
                    }
                }
            }
            BlockingRule::FullName => {
                if let (Some(f), Some(s)) = (r.name.first_compact.as_deref(), r.name.surname_compact.as_deref()) {
                    let (a, b) = (f.min(s), f.max(s));
                    match (dob, side) {
                        (Some(d), KeySide::Index) => {
                            push(&[a, b, &d[..4]]);
                            push(&[a, b, ANY_DATE]);
                        }
                        (Some(d), KeySide::Probe) => {
                            push(&[a, b, &d[..4]]);
                            push(&[a, b, NO_DATE]);
                        }
                        (None, KeySide::Index) => push(&[a, b, NO_DATE]),
                        (None, KeySide::Probe) => {
                            push(&[a, b, ANY_DATE]);
                            push(&[a, b, NO_DATE]);
                        }
                    }
                }
            }
            BlockingRule::FullNameAnyDate => {
                if let (Some(f), Some(s)) = (r.name.first_compact.as_deref(), r.name.surname_compact.as_deref()) {
                    push(&[f.min(s), f.max(s)]);
                }
            }
            BlockingRule::NameBirthMonth | BlockingRule::NameBirthday | BlockingRule::NameBirthYearDay => {
                if let Some(d) = dob {
                    let (a, b) = match self {
                        BlockingRule::NameBirthMonth => (&d[..6], ""),
                        BlockingRule::NameBirthday => (&d[4..], ""),
                        _ => (&d[..4], &d[6..]),
                    };
                    for (name, other) in name_with_other_initial(r) {
                        push(&[name, &other, a, b]);
                    }
                }
            }
            BlockingRule::NameSoundexesArea => {
                if let (&[f, s], Some(p)) = (&soundexes[..], &r.postcode) {
                    let area = p.area.as_deref().unwrap_or(&p.full[..p.full.len().min(2)]);
                    push(&[f.min(s), f.max(s), area]);
                }
            }
            BlockingRule::Postcode => {
                if let Some(p) = postcode {
                    push(&[p]);
                }
            }
            BlockingRule::StreetNumberNameInitial => {
                if let (Some(street), Some(n)) = (&r.address.street_key, &r.address.number) {
                    for i in name_initials(r) {
                        push(&[street, n, &i]);
                    }
                }
            }
            BlockingRule::Email => {
                if let Some(e) = &r.email {
                    push(&[e]);
                }
            }
            BlockingRule::Phone => {
                for p in r.phones.iter().chain(&r.landlines) {
                    push(&[p]);
                }
            }
            BlockingRule::NationalId => {
                if let Some(n) = &r.national_id {
                    push(&[n]);
                }
            }
        }
    }
}

/// The key [`BlockingRule::FullName`] gave before it took the year of birth (first name and
/// surname alone). Stores written then hold their records under it, so a store's lookups also
/// probe it: those older records still meet new records of their name. No record is indexed
/// under it any more, so its blocks do not grow.
pub fn legacy_full_name_key(r: &MatchRecord) -> Option<u64> {
    let (f, s) = (r.name.first_compact.as_deref()?, r.name.surname_compact.as_deref()?);
    let tag = BlockingRule::FullName as u8;
    Some(term_key(&format!("{}\u{1f}{}\u{1f}{}", char::from(b'A' + tag), f.min(s), f.max(s))))
}

/// Which side of a lookup a key is for (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeySide {
    Index,
    Probe,
}

/// Year parts of [`BlockingRule::FullName`] keys that are not a year: records with a date of
/// birth are indexed under `ANY_DATE`, records without one under `NO_DATE`.
const ANY_DATE: &str = "*";
const NO_DATE: &str = "-";

/// The initials of the first name and the surname, and of every formal name the first name
/// may stand for ("Bob Smith" gives "b", "r" and "s"), so that a nickname lands in its formal
/// name's block and swapped names share blocks.
fn name_initials(r: &MatchRecord) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(3);
    let mut add = |name: &str| {
        if let Some(c) = name.chars().next() {
            let s = c.to_string();
            if !out.contains(&s) {
                out.push(s);
            }
        }
    };
    if let Some(first) = r.name.first.as_deref() {
        add(first);
        for formal in nicknames::formal_names(first) {
            add(formal);
        }
    }
    if let Some(surname) = r.name.surname_compact.as_deref() {
        add(surname);
    }
    out
}

/// Each name (joined up) with the initial of the other ("" when the other is missing): names in
/// either column land in the same blocks.
fn name_with_other_initial(r: &MatchRecord) -> Vec<(&str, String)> {
    let first = r.name.first_compact.as_deref();
    let surname = r.name.surname_compact.as_deref();
    let initial = |s: Option<&str>| s.and_then(|s| s.chars().next()).map(String::from).unwrap_or_default();
    let mut out = Vec::with_capacity(2);
    if let Some(f) = first {
        out.push((f, initial(surname)));
    }
    if let Some(s) = surname {
        out.push((s, initial(first)));
    }
    out
}

/// A set of OR-ed rules and the largest block worth comparing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Blocker {
    pub rules: Vec<BlockingRule>,
    /// Blocks with more records than this are skipped.
    pub max_block: usize,
}

impl Default for Blocker {
    fn default() -> Self {
        Blocker { rules: BlockingRule::DEFAULT.to_vec(), max_block: 100 }
    }
}

impl Blocker {
    pub fn new(rules: &[BlockingRule], max_block: usize) -> Blocker {
        Blocker { rules: rules.to_vec(), max_block }
    }

    /// Every key a record is indexed under, under every rule.
    pub fn keys(&self, r: &MatchRecord) -> Vec<u64> {
        let mut out = Vec::with_capacity(16);
        for rule in &self.rules {
            rule.keys(r, &mut out);
        }
        out
    }

    /// Every key a record looks up to find its candidates, under every rule.
    pub fn probe_keys(&self, r: &MatchRecord) -> Vec<u64> {
        let mut out = Vec::with_capacity(16);
        self.probe_keys_into(r, &mut out);
        out
    }

    /// Appends [`Blocker::probe_keys`] to `out` (a buffer reused across records).
    fn probe_keys_into(&self, r: &MatchRecord, out: &mut Vec<u64>) {
        for rule in &self.rules {
            rule.probe_keys(r, out);
        }
    }

    /// [`Blocker::keys`] and [`Blocker::probe_keys`] together, building each key once where
    /// the two sides share it (every rule but [`BlockingRule::FullName`]).
    pub fn index_and_probe_keys(&self, r: &MatchRecord) -> (Vec<u64>, Vec<u64>) {
        let (mut index, mut probe) = (Vec::with_capacity(16), Vec::with_capacity(16));
        for &rule in &self.rules {
            if rule == BlockingRule::FullName {
                rule.keys(r, &mut index);
                rule.probe_keys(r, &mut probe);
            } else {
                let start = index.len();
                rule.keys(r, &mut index);
                for &k in &index[start..] {
                    if !probe.contains(&k) {
                        probe.push(k);
                    }
                }
            }
        }
        (index, probe)
    }

    /// Candidate pairs `(i, j)`, `i < j`, within one list of records, without duplicates.
    ///
    /// Each record probes the records before it, so each pair is found once per key it meets
    /// by; a block is skipped when its final size is over the limit, as in a whole-list pass.
    pub fn dedupe_pairs<R: Borrow<MatchRecord>>(&self, records: &[R]) -> Vec<(u32, u32)> {
        let mut index = BlockIndex::new(self.max_block);
        for (i, r) in records.iter().enumerate() {
            index.insert(i as u32, &self.keys(r.borrow()));
        }
        let mut pairs: Vec<u64> = Vec::new();
        let mut keys = Vec::new();
        for (i, r) in records.iter().enumerate() {
            keys.clear();
            self.probe_keys_into(r.borrow(), &mut keys);
            for block in index.small_blocks(&keys) {
                // Blocks list records in increasing order: those before `i` come first.
                let before = block.partition_point(|&j| j < i as u32);
                pairs.extend(block[..before].iter().map(|&j| (u64::from(j) << 32) | i as u64));
            }
        }
        unpack(pairs)
    }

    /// Candidate pairs `(i, j)` of a record `i` of `left` with a record `j` of `right`.
    pub fn link_pairs<R: Borrow<MatchRecord>>(&self, left: &[R], right: &[R]) -> Vec<(u32, u32)> {
        let mut index = BlockIndex::new(self.max_block);
        for (j, r) in right.iter().enumerate() {
            index.insert(j as u32, &self.keys(r.borrow()));
        }
        let mut pairs: Vec<u64> = Vec::new();
        let mut keys = Vec::new();
        for (i, r) in left.iter().enumerate() {
            keys.clear();
            self.probe_keys_into(r.borrow(), &mut keys);
            for block in index.small_blocks(&keys) {
                pairs.extend(block.iter().map(|&j| ((i as u64) << 32) | u64::from(j)));
            }
        }
        unpack(pairs)
    }
}

fn unpack(mut pairs: Vec<u64>) -> Vec<(u32, u32)> {
    pairs.sort_unstable();
    pairs.dedup();
    pairs.into_iter().map(|p| ((p >> 32) as u32, p as u32)).collect()
}

/// An incremental index from blocking keys to record ids.
#[derive(Debug, Clone, Default)]
pub struct BlockIndex {
    blocks: FastMap<u64, Vec<u32>>,
    max_block: usize,
}

impl BlockIndex {
    pub fn new(max_block: usize) -> BlockIndex {
        BlockIndex { blocks: FastMap::default(), max_block }
    }

    /// Makes room for about `keys` more keys without growing the table step by step (each
    /// growth rehashes the whole table into fresh memory).
    pub fn reserve(&mut self, keys: usize) {
        self.blocks.reserve(keys);
    }

    /// Adds a record under its keys.
    pub fn insert(&mut self, id: u32, keys: &[u64]) {
        for &k in keys {
            self.blocks.entry(k).or_default().push(id);
        }
    }

    /// Removes a record from the blocks of its keys.
    pub fn remove(&mut self, id: u32, keys: &[u64]) {
        for k in keys {
            if let Some(block) = self.blocks.get_mut(k) {
                block.retain(|&x| x != id);
                if block.is_empty() {
                    self.blocks.remove(k);
                }
            }
        }
    }

    /// Records sharing a key with `keys` (each once, in increasing order), skipping blocks
    /// larger than the limit.
    pub fn candidates(&self, keys: &[u64]) -> Vec<u32> {
        let mut out = Vec::new();
        for block in self.small_blocks(keys) {
            out.extend_from_slice(block);
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The blocks of `keys` that are within the size limit (records in insertion order).
    fn small_blocks<'a>(&'a self, keys: &'a [u64]) -> impl Iterator<Item = &'a [u32]> + 'a {
        keys.iter().filter_map(|k| self.blocks.get(k)).filter(|b| b.len() <= self.max_block).map(Vec::as_slice)
    }

    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linkage::record::RecordParts;

    fn person(first: &str, surname: &str, dob: &str, postcode: &str) -> MatchRecord {
        MatchRecord::from_parts(&RecordParts {
            first_name: Some(first),
            surname: Some(surname),
            date_of_birth: Some(dob),
            postcode: Some(postcode),
            ..RecordParts::default()
        })
    }

    #[test]
    fn a_nickname_shares_a_block_with_its_formal_name() {
        let a = person("Bob", "Smith", "19800101", "LS6 2AB");
        let b = person("Robert", "Smyth", "19800101", "LS6 2AB");
        let mut ka = Vec::new();
        let mut kb = Vec::new();
        BlockingRule::DobNameInitial.keys(&a, &mut ka);
        BlockingRule::DobNameInitial.keys(&b, &mut kb);
        assert!(ka.iter().any(|k| kb.contains(k)));
    }

    #[test]
    fn a_typo_in_one_field_is_caught_by_another_rule() {
        let records = vec![
            person("Anne", "Smith", "19800101", "LS6 2AB"),
            person("Anne", "Smith", "19800101", "LS6 2AD"),
            person("Anne", "Smith", "19800110", "LS6 2AB"),
            person("Zed", "Brown", "19500505", "BS1 4DJ"),
        ];
        let pairs = Blocker::default().dedupe_pairs(&records);
        assert_eq!(pairs, vec![(0, 1), (0, 2), (1, 2)]);
    }

    #[test]
    fn names_written_in_each_others_columns_share_blocks() {
        let a = person("Joselyn", "Dakin", "19261205", "3028");
        let b = person("Dakin", "Joselyn", "19261205", "3028");
        for rule in [BlockingRule::DobNameInitial, BlockingRule::FullName, BlockingRule::NameSoundexesArea] {
            let (mut ka, mut kb) = (Vec::new(), Vec::new());
            rule.keys(&a, &mut ka);
            rule.keys(&b, &mut kb);
            assert!(ka.iter().any(|k| kb.contains(k)), "{}", rule.as_str());
        }
    }

    fn undated(first: &str, surname: &str, postcode: &str) -> MatchRecord {
        MatchRecord::from_parts(&RecordParts {
            first_name: Some(first),
            surname: Some(surname),
            postcode: Some(postcode),
            ..RecordParts::default()
        })
    }

    #[test]
    fn a_full_name_meets_its_birth_year_and_every_record_of_the_name_without_a_date() {
        let records = vec![
            person("Anne", "Smith", "19800101", "LS6 2AB"),
            person("Smith", "Anne", "19800707", "YO1 7HH"),
            person("Anne", "Smith", "19910101", "BS1 4DJ"),
            undated("Anne", "Smith", "CF10 1AA"),
            undated("Anne", "Smith", "EH1 1YZ"),
            person("Anne", "Smyth", "19800101", "M1 1AE"),
        ];
        let blocker = Blocker::new(&[BlockingRule::FullName], 100);
        assert_eq!(
            blocker.dedupe_pairs(&records),
            vec![(0, 1), (0, 3), (0, 4), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4)]
        );
    }

    #[test]
    fn the_training_rule_meets_every_record_of_a_full_name_whatever_its_date() {
        let records = vec![
            person("Anne", "Smith", "19800101", "LS6 2AB"),
            person("Smith", "Anne", "19800707", "YO1 7HH"),
            person("Anne", "Smith", "19910101", "BS1 4DJ"),
            undated("Anne", "Smith", "CF10 1AA"),
            person("Anne", "Smyth", "19800101", "M1 1AE"),
        ];
        let blocker = Blocker::new(&[BlockingRule::FullNameAnyDate], 100);
        assert_eq!(blocker.dedupe_pairs(&records), vec![(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]);
        assert!(!BlockingRule::DEFAULT.contains(&BlockingRule::FullNameAnyDate));
    }

    #[test]
    fn a_pair_is_found_from_either_side() {
        let records = vec![
            person("Anne", "Smith", "19800101", "LS6 2AB"),
            person("Anne", "Smith", "19910101", "LS6 2AB"),
            undated("Anne", "Smith", "CF10 1AA"),
            undated("Bob", "Smith", "LS6 2AB"),
            person("Robert", "Smith", "19800110", "YO1 7HH"),
        ];
        let blocker = Blocker::default();
        let meets = |a: &MatchRecord, b: &MatchRecord| {
            let index = blocker.keys(b);
            blocker.probe_keys(a).iter().any(|k| index.contains(k))
        };
        for a in &records {
            for b in &records {
                assert_eq!(meets(a, b), meets(b, a));
            }
        }
        for r in &records {
            let (index, probe) = blocker.index_and_probe_keys(r);
            assert_eq!((index, probe), (blocker.keys(r), blocker.probe_keys(r)));
        }
        // Incremental linking finds what the whole-list pass finds, in any arrival order.
        let mut reversed: Vec<&MatchRecord> = records.iter().collect();
        reversed.reverse();
        let n = records.len() as u32;
        let mut from_reversed: Vec<(u32, u32)> =
            blocker.dedupe_pairs(&reversed).into_iter().map(|(i, j)| (n - 1 - j, n - 1 - i)).collect();
        from_reversed.sort_unstable();
        assert_eq!(blocker.dedupe_pairs(&records), from_reversed);
    }

    #[test]
    fn different_rules_with_equal_values_give_different_keys() {
        let r = person("Anne", "Smith", "19800101", "LS6 2AB");
        let mut a = Vec::new();
        let mut b = Vec::new();
        BlockingRule::Dob.keys(&r, &mut a);
        BlockingRule::NameBirthday.keys(&r, &mut b);
        assert!(a.iter().all(|k| !b.contains(k)));
    }

    #[test]
    fn oversized_blocks_are_skipped() {
        let records: Vec<MatchRecord> = (0..5).map(|_| person("Anne", "Smith", "19800101", "LS6 2AB")).collect();
        assert_eq!(Blocker::new(&[BlockingRule::Dob], 10).dedupe_pairs(&records).len(), 10);
        assert!(Blocker::new(&[BlockingRule::Dob], 4).dedupe_pairs(&records).is_empty());
    }

    #[test]
    fn link_pairs_only_cross_the_two_lists() {
        let left = vec![person("Anne", "Smith", "19800101", "LS6 2AB"), person("Anne", "Smith", "19800101", "LS6 2AB")];
        let right = vec![person("Zed", "Brown", "19500505", "BS1 4DJ"), person("Anne", "Smith", "19800101", "LS6 2AB")];
        assert_eq!(Blocker::default().link_pairs(&left, &right), vec![(0, 1), (1, 1)]);
    }

    #[test]
    fn the_index_finds_and_forgets_candidates() {
        let blocker = Blocker::default();
        let mut index = BlockIndex::new(blocker.max_block);
        let a = person("Anne", "Smith", "19800101", "LS6 2AB");
        index.insert(7, &blocker.keys(&a));
        assert_eq!(index.candidates(&blocker.keys(&person("Anne", "Smyth", "19800101", "YO1 7HH"))), vec![7]);
        index.remove(7, &blocker.keys(&a));
        assert!(index.is_empty());
    }
}
