//! Training a model from the data itself, without labelled pairs.
//!
//! 1. **u** from random pairs: two records drawn at random are almost never the same person, so
//!    the share of random pairs at each level estimates u. All pairs are used when there are
//!    few enough.
//! 2. **m** by expectation–maximisation ([`super::em`]) over the candidate pairs of a few
//!    *training sessions*, each a blocking rule. Within a session the rule's own fields are left
//!    out (every pair agrees on them by construction) and u is held at its random-pair value;
//!    each field's m is the mean of its estimates over the sessions that estimated it. The
//!    default sessions block on exact date of birth (estimating names, location and contacts)
//!    and on exact full name whatever the dates of birth (estimating date of birth, location and
//!    contacts; a session whose pairs shared a year of birth would hardly ever see one person's
//!    dates disagree, and would make a disagreeing date weigh far too much against a match).
//! 3. **The prior** λ: with m and u fixed, the expected number of matching pairs among all
//!    candidate pairs is found by a fixed-point iteration (EM on λ alone), then divided by the
//!    number of possible pairs.
//! 4. **Term frequencies** of first names and surnames are counted over all records.
//!
//! Steps 1–3 are repeated ([`U_ROUNDS`]): random pairs include a few true matches, which
//! inflate u for rare agreements, so later rounds count each random pair towards u with the
//! probability that it is not a match. A "different" level's m is floored at
//! [`MIN_M_DISAGREE`], and every level keeps [`DEFAULT_SHARE`] of its default m and u.
//!
//! Training is deterministic: random pairs come from a ChaCha generator seeded by
//! [`TrainingOptions::seed`].

use std::collections::BTreeMap;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::blocking::{Blocker, BlockingRule};
use super::compare::{FIELDS, MatchField, Outcome, compare};
use super::em::{self, EmOptions, EmParams, Pattern};
use super::model::{Model, ModelParams, SessionSummary, TermFrequencies, probability_of, weight_of};
use super::record::MatchRecord;

/// What to train on: one list to deduplicate, or two lists to link.
#[derive(Debug, Clone, Copy)]
pub enum TrainingData<'a> {
    Dedupe(&'a [MatchRecord]),
    Link { left: &'a [MatchRecord], right: &'a [MatchRecord] },
}

impl<'a> TrainingData<'a> {
    /// The number of pairs that could be compared.
    pub fn total_pairs(&self) -> f64 {
        match self {
            TrainingData::Dedupe(r) => {
                let n = r.len() as f64;
                n * (n - 1.0) / 2.0
            }
            TrainingData::Link { left, right } => left.len() as f64 * right.len() as f64,
        }
    }

    fn records(&self) -> Box<dyn Iterator<Item = &'a MatchRecord> + 'a> {
        match *self {
            TrainingData::Dedupe(r) => Box::new(r.iter()),
            TrainingData::Link { left, right } => Box::new(left.iter().chain(right.iter())),
        }
    }

    fn record_count(&self) -> usize {
        match self {
            TrainingData::Dedupe(r) => r.len(),
            TrainingData::Link { left, right } => left.len() + right.len(),
        }
    }

    /// The two records of a pair as returned by [`Self::candidate_pairs`].
    pub fn pair(&self, (i, j): (u32, u32)) -> (&'a MatchRecord, &'a MatchRecord) {
        match *self {
            TrainingData::Dedupe(r) => (&r[i as usize], &r[j as usize]),
            TrainingData::Link { left, right } => (&left[i as usize], &right[j as usize]),
        }
    }

    /// Candidate pairs under a blocker.
    pub fn candidate_pairs(&self, blocker: &Blocker) -> Vec<(u32, u32)> {
        match *self {
            TrainingData::Dedupe(r) => blocker.dedupe_pairs(r),
            TrainingData::Link { left, right } => blocker.link_pairs(left, right),
        }
    }

    fn random_pair(&self, rng: &mut ChaCha8Rng) -> (u32, u32) {
        match *self {
            TrainingData::Dedupe(r) => {
                let n = r.len() as u32;
                let i = rng.random_range(0..n);
                let mut j = rng.random_range(0..n - 1);
                if j >= i {
                    j += 1;
                }
                (i, j)
            }
            TrainingData::Link { left, right } => {
                (rng.random_range(0..left.len() as u32), rng.random_range(0..right.len() as u32))
            }
        }
    }

    fn all_pairs(&self) -> Box<dyn Iterator<Item = (u32, u32)> + 'a> {
        match *self {
            TrainingData::Dedupe(r) => {
                let n = r.len() as u32;
                Box::new((0..n).flat_map(move |i| (i + 1..n).map(move |j| (i, j))))
            }
            TrainingData::Link { left, right } => {
                let (a, b) = (left.len() as u32, right.len() as u32);
                Box::new((0..a).flat_map(move |i| (0..b).map(move |j| (i, j))))
            }
        }
    }
}

/// The records the sessions and the prior are estimated on: all of them, or a uniform sample.
struct Sample<'a> {
    left: Vec<&'a MatchRecord>,
    /// The second list when linking.
    right: Option<Vec<&'a MatchRecord>>,
}

impl<'a> Sample<'a> {
    /// Keeps each record with probability `max_records / records` (all when fewer), decided by
    /// a hash of the seed, the side and the position so that it is deterministic.
    fn of(data: &TrainingData<'a>, max_records: usize, seed: u64) -> Sample<'a> {
        let fraction = (max_records as f64 / data.record_count().max(1) as f64).min(1.0);
        let keep = |side: u64, i: usize| {
            if fraction >= 1.0 {
                return true;
            }
            let mut x =
                seed ^ side.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (i as u64).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            x ^= x >> 31;
            x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
            x ^= x >> 29;
            (x >> 11) as f64 / (1u64 << 53) as f64 <= fraction
        };
        let pick = |records: &'a [MatchRecord], side: u64| -> Vec<&'a MatchRecord> {
            records.iter().enumerate().filter(|(i, _)| keep(side, *i)).map(|(_, r)| r).collect()
        };
        match *data {
            TrainingData::Dedupe(r) => Sample { left: pick(r, 1), right: None },
            TrainingData::Link { left, right } => Sample { left: pick(left, 1), right: Some(pick(right, 2)) },
        }
    }

    fn total_pairs(&self) -> f64 {
        let n = self.left.len() as f64;
        match &self.right {
            None => n * (n - 1.0) / 2.0,
            Some(r) => n * r.len() as f64,
        }
    }

    fn pair(&self, (i, j): (u32, u32)) -> (&'a MatchRecord, &'a MatchRecord) {
        let right = self.right.as_ref().unwrap_or(&self.left);
        (self.left[i as usize], right[j as usize])
    }

    fn candidate_pairs(&self, blocker: &Blocker) -> Vec<(u32, u32)> {
        match &self.right {
            None => blocker.dedupe_pairs(&self.left),
            Some(r) => blocker.link_pairs(&self.left, r),
        }
    }
}

/// How to train.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingOptions {
    pub seed: u64,
    /// Random pairs drawn to estimate u (all pairs when there are no more than this).
    pub random_pairs: u64,
    /// The blocking rules of the EM sessions.
    pub sessions: Vec<BlockingRule>,
    /// At most this many pairs per session (an even sample of them when there are more).
    pub max_session_pairs: usize,
    /// The blocker whose candidate pairs estimate the prior.
    pub blocker: Blocker,
    pub em: EmOptions,
    /// λ to use when there are too few candidate pairs to estimate it.
    pub fallback_prior: f64,
    /// The EM sessions and the prior use a uniform sample of at most this many records (u and
    /// the term frequencies use all of them). λ does not change under uniform sampling of
    /// records: matching pairs and possible pairs both shrink by the square of the fraction.
    pub max_records: usize,
}

impl Default for TrainingOptions {
    fn default() -> Self {
        TrainingOptions {
            seed: 1,
            random_pairs: 1_000_000,
            sessions: vec![BlockingRule::Dob, BlockingRule::FullNameAnyDate],
            max_session_pairs: 2_000_000,
            blocker: Blocker::default(),
            em: EmOptions { max_iterations: 100, tolerance: 1e-5, ..EmOptions::default() },
            fallback_prior: 1e-4,
            max_records: 100_000,
        }
    }
}

/// The least m a "different" level is given. Training data can be cleaner than what follows
/// (a synthetic population where nobody changes email): without a floor, one disagreement could
/// then weigh 20 bits or more and veto every later match. With it, no single disagreement weighs
/// much more than 10 bits.
pub const MIN_M_DISAGREE: f64 = 1e-3;

/// The share of each level's m and u that comes from its defaults (a prior), the rest from the
/// data. Training data can lack whole kinds of agreement that later data shows (a synthetic
/// population without address typos, or where no record lacks its address lines): from the data
/// alone such a level gets an m near zero, and an agreement such as "the same postcode" would
/// weigh *against* a match, worse than a plain disagreement. Mixing m and u alike with their
/// defaults gives a level the data never shows the default weight, and changes a level the
/// data estimates well by a negligible amount.
pub const DEFAULT_SHARE: f64 = 0.001;

/// Comparison vectors aggregated into distinct patterns with counts, in a fixed order so that
/// sums (and so the trained parameters) do not depend on hashing.
type Patterns = BTreeMap<[u8; FIELDS], f64>;

/// Rounds of re-estimating u without the pairs that are probably matches (see [`train`]).
pub const U_ROUNDS: usize = 3;

/// Trains model parameters on `data`. Fewer than two records (or an empty side) give the
/// untrained defaults with the term frequencies counted.
///
/// Random pairs include a few true matches (λ of them), and for rare agreements (the same date
/// of birth, the same national id) those few dominate the count and make u too large. So u is
/// re-estimated in rounds: after m and λ are found, each random pair counts towards u with the
/// probability that it is *not* a match, and m and λ are found again.
pub fn train(data: &TrainingData<'_>, options: &TrainingOptions) -> ModelParams {
    let mut params = ModelParams::untrained(options.fallback_prior);
    params.term_frequencies = TermFrequencies::from_records(data.records());
    params.training.records = data.record_count() as u64;
    if data.total_pairs() < 1.0 {
        return params;
    }
    let (random, n_random) = random_patterns(data, options);
    params.training.random_pairs_for_u = n_random;
    set_u(&mut params, &random, None);
    let sample = Sample::of(data, options.max_records, options.seed);
    let sessions: Vec<(BlockingRule, Patterns, u64)> = options
        .sessions
        .iter()
        .map(|&rule| {
            let blocker = Blocker::new(&[rule], options.blocker.max_block);
            let (patterns, used) = pair_patterns(&sample, &sample.candidate_pairs(&blocker), options.max_session_pairs);
            (rule, patterns, used)
        })
        .collect();
    let candidates = pair_patterns(&sample, &sample.candidate_pairs(&options.blocker), usize::MAX).0;
    let candidate_count = candidates.values().sum::<f64>() as u64;
    for round in 0..U_ROUNDS {
        if round > 0 {
            let model = Model::new(params.clone());
            set_u(&mut params, &random, Some(&model));
        }
        estimate_m(&mut params, options, &sessions);
        params.prior = estimate_prior(sample.total_pairs(), options, &params, &candidates);
    }
    params.training.prior_pairs = candidate_count;
    params
}

/// Compares pairs (every `stride`-th when there are more than `limit`) into patterns.
fn pair_patterns(data: &Sample<'_>, pairs: &[(u32, u32)], limit: usize) -> (Patterns, u64) {
    let stride = pairs.len().div_ceil(limit.max(1)).max(1);
    let mut counts = Patterns::new();
    let mut used = 0;
    for &p in pairs.iter().step_by(stride) {
        let (a, b) = data.pair(p);
        *counts.entry(compare(a, b).levels).or_default() += 1.0;
        used += 1;
    }
    (counts, used)
}

/// Patterns of random pairs (of all pairs when there are few enough); returns the pair count.
fn random_patterns(data: &TrainingData<'_>, options: &TrainingOptions) -> (Patterns, u64) {
    let mut counts = Patterns::new();
    let mut add = |(i, j): (u32, u32)| {
        let (a, b) = data.pair((i, j));
        *counts.entry(compare(a, b).levels).or_default() += 1.0;
    };
    let n = if data.total_pairs() <= options.random_pairs as f64 {
        let mut n = 0;
        for p in data.all_pairs() {
            add(p);
            n += 1;
        }
        n
    } else {
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
        for _ in 0..options.random_pairs {
            add(data.random_pair(&mut rng));
        }
        options.random_pairs
    };
    (counts, n)
}

/// Sets u from random-pair patterns, each counted with the probability that it is not a match
/// under `model` (all of it without a model). Levels never seen get half a pair.
fn set_u(params: &mut ModelParams, random: &Patterns, model: Option<&Model>) {
    let mut counts: Vec<Vec<f64>> = MatchField::ALL.iter().map(|f| vec![0.0; f.levels().len()]).collect();
    for (levels, &count) in random {
        let weight = match model {
            None => count,
            Some(m) => {
                let gamma = super::compare::Gamma { levels: *levels, first_key: None, surname_key: None };
                count * (1.0 - m.score(&gamma).probability)
            }
        };
        for (f, &l) in levels.iter().enumerate() {
            counts[f][usize::from(l)] += weight;
        }
    }
    for (f, c) in counts.iter().enumerate() {
        let present: f64 = c[1..].iter().sum();
        if present <= 0.0 {
            continue;
        }
        let levels = (c.len() - 1) as f64;
        let u = &mut params.fields[f].u;
        let defaults = MatchField::ALL[f].levels();
        for l in 1..c.len() {
            let observed = (c[l] + 0.5) / (present + 0.5 * levels);
            u[l] = (1.0 - DEFAULT_SHARE) * observed + DEFAULT_SHARE * defaults[l].default_u;
        }
    }
}

/// Sets each field's m to the mean of its EM estimates over the sessions that estimate it, and
/// records the sessions in the training summary.
fn estimate_m(params: &mut ModelParams, options: &TrainingOptions, sessions: &[(BlockingRule, Patterns, u64)]) {
    let mut m_sums: Vec<Option<(Vec<f64>, u32)>> = vec![None; FIELDS];
    let mut summaries = Vec::new();
    let defaults = ModelParams::untrained(params.prior);
    for (rule, patterns, used) in sessions {
        let mut present = [false; FIELDS];
        for levels in patterns.keys() {
            for (f, &l) in levels.iter().enumerate() {
                present[f] |= l != 0;
            }
        }
        let active: Vec<bool> =
            MatchField::ALL.iter().map(|f| present[f.index()] && !rule.fields().contains(f)).collect();
        let mut list: Vec<Pattern> =
            patterns.iter().map(|(levels, &count)| Pattern { levels: levels.to_vec(), count }).collect();
        list.sort_by(|a, b| a.levels.cmp(&b.levels));
        let start = EmParams {
            prior: 0.1,
            m: defaults.fields.iter().map(|f| f.m.clone()).collect(),
            u: params.fields.iter().map(|f| f.u.clone()).collect(),
        };
        let em_options = EmOptions { active: Some(active.clone()), estimate_u: false, ..options.em.clone() };
        let outcome = em::run(&list, start, &em_options);
        let estimated: Vec<MatchField> = MatchField::ALL.iter().copied().filter(|f| active[f.index()]).collect();
        if *used > 0 {
            for f in &estimated {
                let m = &outcome.params.m[f.index()];
                let slot = m_sums[f.index()].get_or_insert_with(|| (vec![0.0; m.len()], 0));
                for (acc, x) in slot.0.iter_mut().zip(m) {
                    *acc += x;
                }
                slot.1 += 1;
            }
        }
        summaries.push(SessionSummary {
            rule: rule.as_str().to_string(),
            pairs: *used,
            iterations: outcome.iterations,
            converged: outcome.converged,
            estimated,
        });
    }
    for (f, sum) in m_sums.into_iter().enumerate() {
        if let Some((total, n)) = sum {
            let levels = MatchField::ALL[f].levels();
            let m = &mut params.fields[f].m;
            for (l, v) in total.into_iter().enumerate().skip(1) {
                m[l] = (1.0 - DEFAULT_SHARE) * v / f64::from(n) + DEFAULT_SHARE * levels[l].default_m;
                if levels[l].outcome == Outcome::Disagree {
                    m[l] = m[l].max(MIN_M_DISAGREE);
                }
            }
            let sum: f64 = m[1..].iter().sum();
            for v in &mut m[1..] {
                *v /= sum;
            }
        }
    }
    params.training.sessions = summaries;
}

/// λ by fixed-point iteration over the candidate pairs' patterns (EM on λ alone, with m and u
/// fixed); pairs that are not candidates are taken to be non-matches.
fn estimate_prior(total: f64, options: &TrainingOptions, params: &ModelParams, candidates: &Patterns) -> f64 {
    let mut unprimed = params.clone();
    unprimed.prior = 0.5; // prior weight 0: scores are pure Bayes factors.
    let model = Model::new(unprimed);
    let factors: Vec<(f64, f64)> = candidates
        .iter()
        .map(|(levels, &count)| {
            let gamma = super::compare::Gamma { levels: *levels, first_key: None, surname_key: None };
            (model.score(&gamma).weight, count)
        })
        .collect();
    if factors.is_empty() {
        return options.fallback_prior;
    }
    let positive: f64 = factors.iter().filter(|(w, _)| *w > 0.0).map(|(_, c)| c).sum();
    let mut prior = (positive.max(1.0) / total).min(0.5);
    for _ in 0..200 {
        let offset = weight_of(prior);
        let expected: f64 = factors.iter().map(|(w, c)| c * probability_of(w + offset)).sum();
        let next = (expected / total).clamp(1e-15, 0.5);
        let done = ((next - prior) / prior).abs() < 1e-9;
        prior = next;
        if done {
            break;
        }
    }
    prior
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linkage::compare::levels;
    use crate::linkage::normalise::DobDigits;
    use crate::linkage::record::RecordParts;

    /// A small population drawn at random: each person appears twice, the copy sometimes with a
    /// typo in the first name or a missing date of birth.
    fn population() -> (Vec<MatchRecord>, Vec<usize>) {
        use rand::{RngExt, SeedableRng};
        const FIRST: &[&str] = &[
            "Anne", "John", "Mary", "Peter", "Susan", "David", "Alice", "Ravi", "Chloe", "Thomas", "Fiona", "Gareth",
            "Helen", "Ian", "Julia", "Kevin", "Laura", "Martin", "Nadia", "Oliver", "Paula", "Rachel", "Simon",
            "Tariq",
        ];
        const SURNAME: &[&str] = &[
            "Smith", "Jones", "Patel", "Brown", "Taylor", "Wilson", "Evans", "Khan", "Green", "Walker", "Wright",
            "Hughes", "Edwards", "Hall", "Wood", "Clarke", "Jackson", "Turner", "Hill", "Moore", "Cooper", "Ward",
            "Morris", "King", "Watson", "Harris", "Baker", "Young", "Allen", "Mitchell",
        ];
        const STREET: &[&str] = &["Oak Road", "Mill Lane", "High Street", "Church Close", "Park Avenue", "Elm Grove"];
        const TOWN: &[&str] = &["Leeds", "York", "Bath", "Derby", "Hull"];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(17);
        let mut records = Vec::new();
        let mut truth = Vec::new();
        for p in 0..300usize {
            let first = FIRST[rng.random_range(0..FIRST.len() as u32) as usize];
            let surname = SURNAME[rng.random_range(0..SURNAME.len() as u32) as usize];
            let dob = format!(
                "{}{:02}{:02}",
                rng.random_range(1940..2000u32),
                rng.random_range(1..13u32),
                rng.random_range(1..29u32)
            );
            let line = format!(
                "{} {}",
                rng.random_range(1..120u32),
                STREET[rng.random_range(0..STREET.len() as u32) as usize]
            );
            let town = TOWN[rng.random_range(0..TOWN.len() as u32) as usize];
            let postcode = format!("LS{} {}AB", rng.random_range(1..30u32), rng.random_range(1..10u32));
            for copy in 0..2 {
                let typo = copy == 1 && rng.random_bool(0.2);
                let first = if typo { format!("{first}e") } else { first.to_string() };
                let no_dob = copy == 1 && rng.random_bool(0.1);
                let record = MatchRecord::from_parts(&RecordParts {
                    first_name: Some(&first),
                    surname: Some(surname),
                    date_of_birth: (!no_dob).then_some(dob.as_str()),
                    address_lines: vec![&line],
                    town: Some(town),
                    postcode: Some(&postcode),
                    ..RecordParts::default()
                });
                records.push(record);
                truth.push(p);
            }
        }
        (records, truth)
    }

    #[test]
    fn training_finds_strong_weights_for_agreement_and_a_sensible_prior() {
        let (records, _) = population();
        let params = train(&TrainingData::Dedupe(&records), &TrainingOptions::default());
        assert_eq!(params.training.records, 600);
        assert_eq!(params.training.sessions.len(), 2);
        assert!(params.training.sessions.iter().all(|s| s.converged));
        // 300 true pairs among 179,700.
        let expected = 300.0 / (600.0 * 599.0 / 2.0);
        assert!(params.prior > expected / 3.0 && params.prior < expected * 3.0, "prior {}", params.prior);
        assert!(params.level_weight(MatchField::DateOfBirth, levels::dob::EXACT) > 5.0);
        assert!(params.level_weight(MatchField::Location, levels::location::SAME_ADDRESS) > 5.0);
        assert!(params.level_weight(MatchField::FirstName, levels::first::DIFFERENT) < 0.0);
    }

    #[test]
    fn training_learns_how_often_one_persons_dates_of_birth_disagree() {
        let (mut records, _) = population();
        // One second copy in ten carries another date of birth, a generation away (a partner's
        // invented or mistyped date).
        let mut replaced = 0.0;
        for p in (0..300).step_by(10) {
            if let Some(d) = records[2 * p + 1].dob {
                let n = |range: std::ops::Range<usize>| d.as_str()[range].parse::<u32>().unwrap();
                let year = if n(0..4) < 1970 { n(0..4) + 31 } else { n(0..4) - 31 };
                let other = format!("{year}{:02}{:02}", (n(4..6) + 5) % 12 + 1, (n(6..8) + 13) % 28 + 1);
                records[2 * p + 1].dob = DobDigits::parse(&other);
                let gamma = compare(&records[2 * p], &records[2 * p + 1]);
                assert_eq!(gamma.level(MatchField::DateOfBirth), levels::dob::DIFFERENT, "{d:?} {other}");
                replaced += 1.0;
            }
        }
        let dated = (0..300).filter(|p| records[2 * p + 1].dob.is_some()).count() as f64;
        let share = replaced / dated;
        let m_different = |options: &TrainingOptions| {
            train(&TrainingData::Dedupe(&records), options).field(MatchField::DateOfBirth).m
                [usize::from(levels::dob::DIFFERENT)]
        };
        let learnt = m_different(&TrainingOptions::default());
        assert!(learnt > share / 2.0 && learnt < share * 2.0, "m {learnt}, true share {share}");
        // A session on name and year of birth never sees those pairs, and all but rules them out.
        let by_year =
            TrainingOptions { sessions: vec![BlockingRule::Dob, BlockingRule::FullName], ..TrainingOptions::default() };
        assert!(m_different(&by_year) < share / 4.0, "m {}", m_different(&by_year));
    }

    #[test]
    fn trained_weights_separate_true_pairs_from_the_rest() {
        let (records, truth) = population();
        let data = TrainingData::Dedupe(&records);
        let model = Model::new(train(&data, &TrainingOptions::default()));
        let pairs = data.candidate_pairs(&Blocker::default());
        let mut found = 0;
        for &(i, j) in &pairs {
            let (_, score) = model.compare(&records[i as usize], &records[j as usize]);
            let same = truth[i as usize] == truth[j as usize];
            if score.probability >= 0.999 {
                assert!(same, "false link {i} {j}");
                found += 1;
            }
        }
        assert_eq!(found, 300);
    }

    #[test]
    fn training_on_two_lists_links_them_without_a_false_link() {
        let (records, truth) = population();
        // Records alternate copy 0, copy 1: the first copies on the left, the second on the right.
        let (mut left, mut right, mut left_truth, mut right_truth) = (vec![], vec![], vec![], vec![]);
        for (k, (record, t)) in records.into_iter().zip(truth).enumerate() {
            if k % 2 == 0 {
                left.push(record);
                left_truth.push(t);
            } else {
                right.push(record);
                right_truth.push(t);
            }
        }
        let data = TrainingData::Link { left: &left, right: &right };
        let params = train(&data, &TrainingOptions::default());
        let expected = 300.0 / (300.0 * 300.0);
        assert!(params.prior > expected / 3.0 && params.prior < expected * 3.0, "prior {}", params.prior);
        let model = Model::new(params);
        let mut found = 0;
        for (i, j) in data.candidate_pairs(&Blocker::default()) {
            let (_, score) = model.compare(&left[i as usize], &right[j as usize]);
            if score.probability >= 0.999 {
                assert_eq!(left_truth[i as usize], right_truth[j as usize]);
                found += 1;
            }
        }
        assert!(found >= 295, "{found} of 300");
    }

    #[test]
    fn training_is_deterministic() {
        let (records, _) = population();
        let options = TrainingOptions { random_pairs: 5_000, ..TrainingOptions::default() };
        let a = train(&TrainingData::Dedupe(&records), &options);
        let b = train(&TrainingData::Dedupe(&records), &options);
        assert_eq!(a, b);
    }

    #[test]
    fn too_little_data_gives_the_defaults() {
        let (records, _) = population();
        let params = train(&TrainingData::Dedupe(&records[..1]), &TrainingOptions::default());
        assert_eq!(params.fields, ModelParams::untrained(1e-4).fields);
    }
}
