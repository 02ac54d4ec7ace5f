//! The generated population in matching form, and the bootstrap model trained on it.
//!
//! A store with no trained model yet (its first partner file) still needs m and u to cluster
//! with. Rather than ship opaque numbers, the bootstrap parameters are trained, deterministically,
//! on a synthetic UK population from [`crate::generate`] (typos, nicknames, swapped dates,
//! movers), cleaned by the same ingest rules as partner files. Its term frequencies are dropped:
//! synthetic name frequencies say nothing about an operator's data. A store replaces the
//! bootstrap with parameters trained on its own records as soon as it holds enough of them.

use jiff::civil::Date;

use super::record::MatchRecord;
use super::train::{TrainingData, TrainingOptions, train};
use super::{ModelParams, TermFrequencies};
use crate::columns::{ColumnError, Mapping, plan_columns};
use crate::generate::{GeneratedRow, Generator, partner_files};
use crate::profile::Profile;
use crate::record::{CleanRecord, clean_row};

/// One generated record in matching form, with its truth.
pub struct GeneratedMatch {
    /// The generated person it belongs to.
    pub truth_person: u64,
    /// Whether the row carries the person's previous address (a mover's old record).
    pub previous_address: bool,
    pub record: MatchRecord,
}

/// Every generated partner file of `persons` persons, cleaned as ingest would (rows the ingest
/// rules reject are left out), in file order.
pub fn generated_population(
    seed: u64,
    persons: u64,
    today: Date,
    profile: &Profile,
) -> Result<Vec<GeneratedMatch>, ColumnError> {
    let mut out = Vec::new();
    generated_clean_rows(seed, persons, today, profile, |truth_person, previous_address, clean| {
        out.push(GeneratedMatch { truth_person, previous_address, record: MatchRecord::from_clean(clean) });
    })?;
    Ok(out)
}

/// The rows of [`generated_population`] as the clean records ingest would store, streamed to
/// `visit(truth person, carries the previous address, record)` in the same order (for writing
/// them out without holding them).
pub fn generated_clean_rows(
    seed: u64,
    persons: u64,
    today: Date,
    profile: &Profile,
    mut visit: impl FnMut(u64, bool, &CleanRecord),
) -> Result<(), ColumnError> {
    let generator = Generator::new(seed, persons, today);
    let cleaners = Cleaners::new(profile)?;
    for file in 0..partner_files().len() {
        for row in generator.rows(file) {
            if let Some(clean) = cleaners.clean(file, &row, today) {
                visit(row.truth_person, row.previous_address, &clean);
            }
        }
    }
    Ok(())
}

/// One query record for a base built by [`generated_population`], with its truth.
pub struct GeneratedQuery {
    /// The base person it is a fresh record of, or `None` for a person who is not in the base.
    pub truth_person: Option<u64>,
    /// Whether the record carries the person's previous address (a mover's old address).
    pub previous_address: bool,
    pub record: CleanRecord,
}

/// `queries` query records for the base [`generated_population`]`(seed, persons, ..)`, none of
/// them a row of the base, cleaned as ingest would (rejected rows are replaced):
/// - even positions are fresh noisy rows ([`Generator::fresh_row`]) of base persons, chosen
///   pseudo-randomly among those who appear in at least one base file, in the layout of file
///   `position % 3`: these should be linked to their person;
/// - odd positions are rows of persons of the same synthetic population beyond the base's
///   range (indexes `persons..`), who are not in the base: any link for them is a false link.
///   Taking them from the same seed keeps emails and mobiles distinct from every base person's,
///   as they would be between real people; names, dates of birth, towns and postcodes are drawn
///   from the same distributions, so they do collide.
pub fn generated_queries(
    seed: u64,
    persons: u64,
    queries: usize,
    today: Date,
    profile: &Profile,
) -> Result<Vec<GeneratedQuery>, ColumnError> {
    let base = Generator::new(seed, persons, today);
    let files = partner_files().len();
    let cleaners = Cleaners::new(profile)?;
    let mut out = Vec::with_capacity(queries);
    let (mut attempt, mut outsider) = (0u64, 0u64);
    while out.len() < queries && persons > 0 {
        let position = out.len();
        let file = position % files;
        attempt += 1;
        let (row, truth) = if position % 2 == 0 {
            let index = splitmix64(seed ^ attempt) % persons;
            if !(0..files).any(|f| base.appears_in(f, index)) {
                continue;
            }
            (base.fresh_row(file, index, attempt), Some(index))
        } else {
            outsider += 1;
            (base.fresh_row(file, persons + outsider - 1, 0), None)
        };
        if let Some(record) = cleaners.clean(file, &row, today) {
            out.push(GeneratedQuery { truth_person: truth, previous_address: row.previous_address, record });
        }
    }
    Ok(out)
}

/// A well-mixed 64-bit hash (SplitMix64's finaliser).
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The column plans of the generated partner files, cleaning rows as ingest would.
struct Cleaners {
    plans: Vec<crate::columns::ColumnPlan>,
}

impl Cleaners {
    fn new(profile: &Profile) -> Result<Cleaners, ColumnError> {
        let plans = partner_files()
            .iter()
            .map(|spec| {
                let headers: Vec<String> = spec.headers.iter().map(|h| h.to_string()).collect();
                plan_columns(&headers, &Mapping::default(), profile)
            })
            .collect::<Result<_, _>>()?;
        Ok(Cleaners { plans })
    }

    /// The clean record of `row` of file `file`, or `None` when ingest would reject it.
    fn clean(&self, file: usize, row: &GeneratedRow, today: Date) -> Option<CleanRecord> {
        let plan = &self.plans[file];
        if row.values.len() != partner_files()[file].headers.len() {
            return None;
        }
        let fields: Vec<_> = plan
            .fields
            .iter()
            .zip(&row.values)
            .filter_map(|(f, v)| f.as_ref().map(|f| (f.clone(), v.as_str())))
            .collect();
        clean_row(&fields, today).ok()
    }
}

/// Persons in the bootstrap population.
pub const BOOTSTRAP_PERSONS: u64 = 20_000;
/// Seed of the bootstrap population.
pub const BOOTSTRAP_SEED: u64 = 0x6461_7461_7761_7264;

/// The bootstrap parameters as shipped: the output of [`train_bootstrap`], checked in so that a
/// store does not spend a training run on its first file (a test proves they are still what
/// training gives; `cargo test -p dataward-core write_bootstrap -- --ignored` rewrites them).
const SHIPPED: &str = include_str!("bootstrap_params.json");

/// Trains the bootstrap parameters on the generated population (about a second in a release
/// build): without term frequencies, with the population's own prior.
pub fn train_bootstrap() -> ModelParams {
    let profile = Profile::builtin("data-broker").expect("shipped profile").expect("shipped profile parses");
    let today = Date::constant(2026, 1, 1);
    let population = generated_population(BOOTSTRAP_SEED, BOOTSTRAP_PERSONS, today, &profile)
        .expect("the generated files' headers are recognised");
    let records: Vec<MatchRecord> = population.into_iter().map(|g| g.record).collect();
    let mut params = train(&TrainingData::Dedupe(&records), &TrainingOptions::default());
    params.term_frequencies = TermFrequencies::default();
    params
}

/// The shipped bootstrap parameters with the prior scaled to a base of `expected_persons`
/// persons: the chance λ that two random records are one person falls as 1 / persons, and the
/// prior of 20,000 synthetic persons would be too generous for a larger base.
pub fn bootstrap_params(expected_persons: u64) -> ModelParams {
    let mut params: ModelParams = serde_json::from_str(SHIPPED).expect("shipped bootstrap parameters parse");
    params.prior *= BOOTSTRAP_PERSONS as f64 / expected_persons.max(BOOTSTRAP_PERSONS) as f64;
    params
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linkage::{Blocker, Clusterer, Model};
    use crate::profile::LinkageThresholds;

    #[test]
    fn generated_queries_are_half_base_persons_half_outsiders_and_never_a_base_row() {
        let profile = Profile::builtin("data-broker").unwrap().unwrap();
        let today = Date::constant(2026, 1, 1);
        let queries = generated_queries(7, 300, 60, today, &profile).unwrap();
        assert_eq!(queries.len(), 60);
        let mut base = Vec::new();
        generated_clean_rows(7, 300, today, &profile, |truth, _, r| base.push((truth, r.clone()))).unwrap();
        for (k, q) in queries.iter().enumerate() {
            match q.truth_person {
                Some(t) => {
                    assert_eq!(k % 2, 0, "query {k}");
                    assert!(base.iter().any(|(b, _)| *b == t), "query {k}: person {t} is not in the base");
                }
                None => assert_eq!(k % 2, 1, "query {k}"),
            }
            assert!(base.iter().all(|(_, r)| *r != q.record), "query {k} is a base row");
        }
        let again = generated_queries(7, 300, 60, today, &profile).unwrap();
        assert!(queries.iter().zip(&again).all(|(a, b)| a.record == b.record && a.truth_person == b.truth_person));
    }

    #[test]
    fn the_shipped_bootstrap_parameters_are_what_training_on_the_generated_population_gives() {
        let trained = train_bootstrap();
        let shipped = bootstrap_params(BOOTSTRAP_PERSONS);
        assert!(trained.training.records > 20_000, "trained on {} records", trained.training.records);
        assert_eq!(trained.term_frequencies.first_names_total, 0, "no synthetic name frequencies");
        assert_eq!(trained.training, shipped.training);
        assert!((trained.prior - shipped.prior).abs() <= 1e-12 * trained.prior.abs(), "prior changed");
        for (t, s) in trained.fields.iter().zip(&shipped.fields) {
            assert_eq!(t.field, s.field);
            for (a, b) in t.m.iter().chain(&t.u).zip(s.m.iter().chain(&s.u)) {
                assert!((a - b).abs() <= 1e-12, "{:?}: {a} != {b}; rewrite with write_bootstrap", t.field);
            }
        }
    }

    #[test]
    fn the_bootstrap_prior_scales_with_the_expected_base() {
        let big = bootstrap_params(1_000_000);
        let small = bootstrap_params(10);
        assert!((small.prior / big.prior - 50.0).abs() < 1e-6, "prior {} vs {}", small.prior, big.prior);
    }

    /// Rewrites `bootstrap_params.json` (run on purpose, after changing the engine).
    #[test]
    #[ignore]
    fn write_bootstrap() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/linkage/bootstrap_params.json");
        std::fs::write(path, serde_json::to_string_pretty(&train_bootstrap()).unwrap() + "\n").unwrap();
    }

    #[test]
    fn the_bootstrap_model_links_a_small_generated_population_without_false_links() {
        let profile = Profile::builtin("data-broker").unwrap().unwrap();
        let population = generated_population(7, 500, Date::constant(2026, 1, 1), &profile).unwrap();
        let thresholds = LinkageThresholds { link: 0.999, possible: 0.9 };
        let mut clusterer = Clusterer::new(Model::new(bootstrap_params(500)), thresholds, Blocker::default());
        let truth: Vec<u64> = population.iter().map(|g| g.truth_person).collect();
        let outcomes: Vec<_> = population.into_iter().map(|g| clusterer.add(g.record)).collect();
        let mut false_links = 0;
        let mut found = 0;
        for (i, o) in outcomes.iter().enumerate() {
            for (j, p) in outcomes.iter().enumerate().skip(i + 1) {
                let same = clusterer.person_of(o.record) == clusterer.person_of(p.record);
                if same && truth[i] != truth[j] {
                    false_links += 1;
                }
                if same && truth[i] == truth[j] {
                    found += 1;
                }
            }
        }
        assert_eq!(false_links, 0);
        assert!(found > 100, "only {found} true pairs joined");
    }
}
