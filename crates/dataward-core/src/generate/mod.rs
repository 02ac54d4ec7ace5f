//! A deterministic synthetic UK population for demos, tests and benchmarks.
//!
//! Every person is derived from `(seed, index)` alone (a ChaCha RNG seeded from SHA-256 of both),
//! so a population of any size streams in constant memory and the same `(seed, persons, today)`
//! always gives the same rows. No real person's data is used: names are common UK first names and
//! surnames combined at random, streets are invented, towns, postcode districts and dialling codes
//! are real. Phone numbers are random numbers in allocated ranges, so one may exist by chance.
//!
//! Three overlapping partner files ([`partner_files`]) carry the population as real partners do:
//! each person appears in each file with probability [`INCLUSION_RATE`], some twice, with typos,
//! nicknames, loose formatting and missing values, some with a previous address, and about 1% of
//! rows with a [`Defect`] a validator must reject. [`GeneratedRow::truth_person`] and
//! [`GeneratedRow::defect`] say what each row really is.
//!
//! Layout: `names` and `places` hold vocabularies and numbering rules, `person` builds a
//! [`SyntheticPerson`], `partner_files` formats rows, `defects` holds noise and faults.

mod defects;
mod names;
mod partner_files;
mod person;
mod places;
#[cfg(test)]
mod tests;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use jiff::civil::Date;
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

pub use defects::{DEFECT_RATE, Defect};
pub use names::Gender;
pub use partner_files::{DUPLICATE_RATE, FileFormat, INCLUSION_RATE, PartnerFileSpec, partner_files};
pub use person::{Address, MOVER_RATE, MaritalStatus, PreviousAddress, SyntheticPerson};
pub use places::UkPhone;

use partner_files::RowPlan;
use person::DateContext;

/// The independent random streams derived from a seed.
#[derive(Debug, Clone, Copy)]
enum Stream {
    Person = 1,
    Membership = 2,
    Row = 3,
}

/// A ChaCha RNG seeded from SHA-256 of `(stream, seed, index, sub)`.
fn rng_for(seed: u64, stream: Stream, index: u64, sub: u64) -> ChaCha8Rng {
    let mut hasher = Sha256::new();
    hasher.update(b"dataward.generate.v1");
    hasher.update([stream as u8]);
    hasher.update(seed.to_le_bytes());
    hasher.update(index.to_le_bytes());
    hasher.update(sub.to_le_bytes());
    ChaCha8Rng::from_seed(hasher.finalize().into())
}

/// A uniformly chosen element of a non-empty slice (sampled as `u32`, so portable).
fn pick<R: Rng + ?Sized, T: Copy>(rng: &mut R, items: &[T]) -> T {
    items[rng.random_range(0..items.len() as u32) as usize]
}

/// `date` moved by `days` (negative for earlier), saturating at the ends of the calendar.
fn add_days(date: Date, days: i64) -> Date {
    date.saturating_add(jiff::Span::new().days(days))
}

/// Expected number of rows over all partner files for a population of `persons`.
pub fn estimate_rows(persons: u64) -> u64 {
    let per_person = partner_files().len() as f64 * INCLUSION_RATE * (1.0 + DUPLICATE_RATE);
    (persons as f64 * per_person).round() as u64
}

/// The synthetic population of one seed: `persons` persons, ages relative to `today`.
#[derive(Debug, Clone)]
pub struct Generator {
    seed: u64,
    persons: u64,
    dates: DateContext,
}

/// One row of a partner file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedRow {
    /// The values in header order; one more than the headers for [`Defect::WrongFieldCount`].
    pub values: Vec<String>,
    /// Index of the person the row is about.
    pub truth_person: u64,
    /// The fault injected into the row, if any.
    pub defect: Option<Defect>,
    /// Whether this is the person's second record in the file (under a new record id).
    pub duplicate: bool,
    /// Whether the row carries the person's previous address.
    pub previous_address: bool,
}

impl GeneratedRow {
    /// The row as one JSON Lines line (no newline): an object of string values with `headers`
    /// as keys, in order. A [`Defect::MalformedJson`] row gives a truncated, invalid line.
    pub fn json_line(&self, headers: &[&str]) -> String {
        let mut line = String::with_capacity(512);
        line.push('{');
        for (k, (key, value)) in headers.iter().zip(&self.values).enumerate() {
            if k > 0 {
                line.push(',');
            }
            line.push_str(&serde_json::Value::from(*key).to_string());
            line.push(':');
            line.push_str(&serde_json::Value::from(value.as_str()).to_string());
        }
        if self.defect == Some(Defect::MalformedJson) {
            // Cut short as if the writer died mid-record: no closing quote or brace.
            let mut cut = line.len() * 2 / 3;
            while !line.is_char_boundary(cut) {
                cut -= 1;
            }
            line.truncate(cut);
            if line.ends_with('"') || line.ends_with(':') || line.ends_with(',') {
                line.push('x');
            }
        } else {
            line.push('}');
        }
        line
    }
}

/// Whether and how a person appears in a file.
struct Membership {
    /// `Some(lag)`: a duplicate record follows `lag` persons later.
    duplicate_lag: Option<u64>,
}

impl Generator {
    pub fn new(seed: u64, persons: u64, today: Date) -> Self {
        Generator { seed, persons, dates: DateContext::new(today) }
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn persons(&self) -> u64 {
        self.persons
    }

    pub fn today(&self) -> Date {
        self.dates.today
    }

    /// Person `index`; depends on the seed, the index and today only, not on `persons`.
    pub fn person(&self, index: u64) -> SyntheticPerson {
        person::generate(self.seed, index, &self.dates)
    }

    fn membership(&self, file: usize, index: u64) -> Option<Membership> {
        let mut rng = rng_for(self.seed, Stream::Membership, index, file as u64);
        if !rng.random_bool(INCLUSION_RATE) {
            return None;
        }
        let duplicate_lag =
            rng.random_bool(DUPLICATE_RATE).then(|| if rng.random_bool(0.5) { 0 } else { rng.random_range(1..=40u64) });
        Some(Membership { duplicate_lag })
    }

    /// Whether person `index` appears in file `file_index` (at least once).
    pub fn appears_in(&self, file_index: usize, index: u64) -> bool {
        self.membership(file_index, index).is_some()
    }

    /// The rows of file `file_index` of [`partner_files`], streamed in increasing person order;
    /// a duplicate follows its original directly or a few persons later.
    ///
    /// # Panics
    /// If `file_index` is not an index of [`partner_files`].
    pub fn rows(&self, file_index: usize) -> Rows<'_> {
        assert!(file_index < partner_files().len(), "no partner file {file_index}");
        Rows {
            generator: self,
            file: file_index,
            next_person: 0,
            seq: 0,
            ready: VecDeque::new(),
            duplicates: BinaryHeap::new(),
        }
    }

    /// A fresh row for person `index` in the layout of file `file_index`: the person as one more
    /// partner might capture them, with its own noise (typos, nicknames, swapped dates, missing
    /// values, a previous address when the file carries it), independent of every row of
    /// [`Generator::rows`] and of other `variant`s. Used for query records that are not in a
    /// base built from [`Generator::rows`].
    ///
    /// # Panics
    /// If `file_index` is not an index of [`partner_files`].
    pub fn fresh_row(&self, file_index: usize, index: u64, variant: u64) -> GeneratedRow {
        assert!(file_index < partner_files().len(), "no partner file {file_index}");
        let person = self.person(index);
        // Subs 0..6 are the file rows; fresh rows start after them.
        let sub = 6 + variant.wrapping_mul(partner_files().len() as u64).wrapping_add(file_index as u64);
        self.render_row(file_index, &person, 1 << 40 | variant, false, sub)
    }

    fn row(&self, file: usize, person: &SyntheticPerson, seq: u64, duplicate: bool) -> GeneratedRow {
        self.render_row(file, person, seq, duplicate, file as u64 * 2 + u64::from(duplicate))
    }

    fn render_row(&self, file: usize, person: &SyntheticPerson, seq: u64, duplicate: bool, sub: u64) -> GeneratedRow {
        let mut rng = rng_for(self.seed, Stream::Row, person.index, sub);
        let previous = person.previous.as_ref().is_some_and(|p| p.carried_by_file == file);
        let plan = RowPlan { seq, previous, today: self.dates.today };
        let (values, defect) = partner_files::render(&mut rng, file, person, &plan);
        GeneratedRow { values, truth_person: person.index, defect, duplicate, previous_address: previous }
    }
}

/// The rows of one partner file; see [`Generator::rows`]. Holds only the few duplicates not yet
/// due, so memory stays constant whatever the population.
pub struct Rows<'g> {
    generator: &'g Generator,
    file: usize,
    next_person: u64,
    /// Rows emitted so far (numbers the record ids).
    seq: u64,
    ready: VecDeque<GeneratedRow>,
    /// Pending duplicates as (due after person, person).
    duplicates: BinaryHeap<Reverse<(u64, u64)>>,
}

impl Rows<'_> {
    fn emit(&mut self, person: &SyntheticPerson, duplicate: bool) {
        let row = self.generator.row(self.file, person, self.seq, duplicate);
        self.seq += 1;
        self.ready.push_back(row);
    }
}

impl Iterator for Rows<'_> {
    type Item = GeneratedRow;

    fn next(&mut self) -> Option<GeneratedRow> {
        loop {
            if let Some(row) = self.ready.pop_front() {
                return Some(row);
            }
            if self.next_person < self.generator.persons {
                let index = self.next_person;
                self.next_person += 1;
                let mut current = None;
                if let Some(m) = self.generator.membership(self.file, index) {
                    let person = self.generator.person(index);
                    self.emit(&person, false);
                    if let Some(lag) = m.duplicate_lag {
                        self.duplicates.push(Reverse((index + lag, index)));
                    }
                    current = Some(person);
                }
                while let Some(Reverse((due, of))) = self.duplicates.peek().copied()
                    && due <= index
                {
                    self.duplicates.pop();
                    let person = match &current {
                        Some(p) if p.index == of => p.clone(),
                        _ => self.generator.person(of),
                    };
                    self.emit(&person, true);
                }
            } else {
                let Reverse((_, of)) = self.duplicates.pop()?;
                let person = self.generator.person(of);
                self.emit(&person, true);
            }
        }
    }
}
