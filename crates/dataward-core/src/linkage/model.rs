//! The Fellegi–Sunter model: m and u probabilities per comparison level, the prior, term
//! frequencies, and the match weight and probability of a pair.
//!
//! For a pair with comparison vector γ the match weight is the log2 Bayes factor of "same
//! person" against "different persons", plus the prior odds:
//!
//! ```text
//! weight = log2(λ / (1 − λ)) + Σ_fields log2(m_f(γ_f) / u_f(γ_f))
//! probability = 2^weight / (1 + 2^weight)
//! ```
//!
//! where `m_f(l)` is the probability that a true match shows level `l` on field `f`, `u_f(l)` the
//! probability that two random records do, and `λ` the probability that two random records are
//! the same person. A missing value adds nothing. For an exact agreement on a first name or
//! surname, `u` is replaced by the value's own frequency among records (term-frequency
//! adjustment): two records both saying "Smith" is weaker evidence than both saying "Featherstonehaugh".
//!
//! [`ModelParams`] is plain data (serde), so a store can save it and show it.

use serde::{Deserialize, Serialize};

use super::blocking::FastMap;
use super::compare::{FIELDS, Gamma, MatchField, Outcome, compare};
use super::record::MatchRecord;
use crate::profile::LinkageThresholds;

/// The smallest m or u probability a level may have, so that no single field can veto or force
/// a match with an infinite weight.
pub const MIN_PROBABILITY: f64 = 1e-7;

/// m and u for one field, indexed by level (index 0, "missing", is unused and kept at 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldParams {
    pub field: MatchField,
    pub m: Vec<f64>,
    pub u: Vec<f64>,
}

/// How often each first name and surname occurs among records, keyed by
/// [`super::compare::term_key`] so that the table holds no names in clear. (The key is an
/// unkeyed hash, so a list of names can be matched against it: a store that wants more should
/// hold the table under its own keyed digest.) `Debug` shows only the sizes.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TermFrequencies {
    pub first_names_total: u64,
    pub first_names: FastMap<u64, u32>,
    pub surnames_total: u64,
    pub surnames: FastMap<u64, u32>,
}

impl std::fmt::Debug for TermFrequencies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TermFrequencies")
            .field("first_names_total", &self.first_names_total)
            .field("first_names_distinct", &self.first_names.len())
            .field("surnames_total", &self.surnames_total)
            .field("surnames_distinct", &self.surnames.len())
            .finish()
    }
}

impl TermFrequencies {
    /// Counts the names of `records`.
    pub fn from_records<'a>(records: impl IntoIterator<Item = &'a MatchRecord>) -> TermFrequencies {
        let mut tf = TermFrequencies::default();
        for r in records {
            tf.add(r);
        }
        tf
    }

    /// Counts one more record's names. A first name counts under its first given name and, when
    /// different, under the whole first-name field joined up.
    pub fn add(&mut self, r: &MatchRecord) {
        use super::compare::term_key;
        if let Some(first) = &r.name.first {
            self.first_names_total += 1;
            *self.first_names.entry(term_key(first)).or_default() += 1;
            if let Some(c) = &r.name.first_compact
                && c != first
            {
                *self.first_names.entry(term_key(c)).or_default() += 1;
            }
        }
        if let Some(s) = &r.name.surname_compact {
            self.surnames_total += 1;
            *self.surnames.entry(term_key(s)).or_default() += 1;
        }
    }

    /// The share of records carrying the value with key `key` in `field`, or `None` when the
    /// field has no table. A value never seen counts as seen once.
    pub fn frequency(&self, field: MatchField, key: u64) -> Option<f64> {
        let (total, table) = match field {
            MatchField::FirstName => (self.first_names_total, &self.first_names),
            MatchField::Surname => (self.surnames_total, &self.surnames),
            _ => return None,
        };
        if total == 0 {
            return None;
        }
        Some(f64::from(table.get(&key).copied().unwrap_or(1).max(1)) / total as f64)
    }
}

/// One EM training session, as recorded in the parameters for inspection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// The blocking rule whose pairs were used.
    pub rule: String,
    pub pairs: u64,
    pub iterations: u32,
    pub converged: bool,
    /// The fields whose m was estimated (the rule's own fields are not).
    pub estimated: Vec<MatchField>,
}

/// What the parameters were trained on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TrainingSummary {
    pub records: u64,
    pub random_pairs_for_u: u64,
    pub sessions: Vec<SessionSummary>,
    /// Candidate pairs used to estimate the prior.
    pub prior_pairs: u64,
}

/// The model's parameters: plain data, serialisable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelParams {
    pub version: u32,
    /// λ: the probability that two records drawn at random are the same person.
    pub prior: f64,
    /// One entry per field, in [`MatchField::ALL`] order.
    pub fields: Vec<FieldParams>,
    pub term_frequencies: TermFrequencies,
    pub training: TrainingSummary,
}

impl ModelParams {
    pub const VERSION: u32 = 1;

    /// Untrained parameters: each level's default m and u, and the given prior. Useful before
    /// there is data to train on, and in tests.
    pub fn untrained(prior: f64) -> ModelParams {
        let fields = MatchField::ALL
            .iter()
            .map(|&field| {
                let mut m: Vec<f64> = field.levels().iter().map(|l| l.default_m).collect();
                let mut u: Vec<f64> = field.levels().iter().map(|l| l.default_u).collect();
                m[0] = 1.0;
                u[0] = 1.0;
                FieldParams { field, m, u }
            })
            .collect();
        ModelParams {
            version: Self::VERSION,
            prior,
            fields,
            term_frequencies: TermFrequencies::default(),
            training: TrainingSummary::default(),
        }
    }

    /// Gives every level the parameters lack its default m and u. Levels are only ever added
    /// at the end of a field, so parameters saved before a level existed stay valid with it.
    pub fn fill_missing_levels(&mut self) {
        for p in &mut self.fields {
            let levels = p.field.levels();
            for (l, level) in levels.iter().enumerate().skip(p.m.len().min(p.u.len())) {
                let missing = l == 0;
                p.m.truncate(l);
                p.u.truncate(l);
                p.m.push(if missing { 1.0 } else { level.default_m });
                p.u.push(if missing { 1.0 } else { level.default_u });
            }
        }
    }

    pub fn field(&self, field: MatchField) -> &FieldParams {
        &self.fields[field.index()]
    }

    pub fn field_mut(&mut self, field: MatchField) -> &mut FieldParams {
        &mut self.fields[field.index()]
    }

    /// The weight log2(m/u) of one level (0 for "missing").
    pub fn level_weight(&self, field: MatchField, level: u8) -> f64 {
        if level == 0 {
            return 0.0;
        }
        let p = self.field(field);
        let l = usize::from(level);
        (p.m[l].max(MIN_PROBABILITY) / p.u[l].max(MIN_PROBABILITY)).log2()
    }
}

/// A match weight and probability.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// log2 Bayes factor including the prior.
    pub weight: f64,
    pub probability: f64,
}

impl Score {
    pub fn from_weight(weight: f64) -> Score {
        Score { weight, probability: probability_of(weight) }
    }
}

/// 2^w / (1 + 2^w), computed without overflow.
pub fn probability_of(weight: f64) -> f64 {
    if weight >= 0.0 { 1.0 / (1.0 + (-weight).exp2()) } else { weight.exp2() / (1.0 + weight.exp2()) }
}

/// The match weight at which the probability equals `p`.
pub fn weight_of(p: f64) -> f64 {
    (p / (1.0 - p)).log2()
}

/// Where a pair falls against the profile's thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// At or above the link threshold: the same person.
    Link,
    /// At or above the possible threshold: listed for review, never used to disclose anything.
    Possible,
    NonMatch,
}

impl Band {
    pub fn of(probability: f64, thresholds: &LinkageThresholds) -> Band {
        if probability >= thresholds.link {
            Band::Link
        } else if probability >= thresholds.possible {
            Band::Possible
        } else {
            Band::NonMatch
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Band::Link => "link",
            Band::Possible => "possible",
            Band::NonMatch => "non_match",
        }
    }
}

/// How one field contributed to a pair's weight: never the values themselves.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FieldEvidence {
    pub field: MatchField,
    pub outcome: Outcome,
    /// The comparison level's name ("nickname", "day_month_swapped", ...).
    pub level: &'static str,
    pub weight: f64,
}

/// A model ready to score pairs: parameters with the level weights precomputed.
#[derive(Debug, Clone)]
pub struct Model {
    params: ModelParams,
    weights: [[f64; 8]; FIELDS],
    prior_weight: f64,
}

impl Model {
    pub fn new(mut params: ModelParams) -> Model {
        params.fill_missing_levels();
        let mut weights = [[0.0; 8]; FIELDS];
        for field in MatchField::ALL {
            let row = &mut weights[field.index()];
            for (level, w) in row.iter_mut().enumerate().take(field.levels().len()).skip(1) {
                *w = params.level_weight(field, level as u8);
            }
        }
        let prior = params.prior.clamp(1e-15, 0.5);
        Model { prior_weight: weight_of(prior), weights, params }
    }

    pub fn params(&self) -> &ModelParams {
        &self.params
    }

    /// log2(λ / (1 − λ)).
    pub fn prior_weight(&self) -> f64 {
        self.prior_weight
    }

    /// The weight a field adds for a comparison, with the term-frequency adjustment.
    pub fn field_weight(&self, field: MatchField, gamma: &Gamma) -> f64 {
        let level = gamma.level(field);
        if Some(level) == field.term_frequency_level() {
            let key = match field {
                MatchField::FirstName => gamma.first_key,
                _ => gamma.surname_key,
            };
            if let Some(freq) = key.and_then(|k| self.params.term_frequencies.frequency(field, k)) {
                let m = self.params.field(field).m[usize::from(level)].max(MIN_PROBABILITY);
                return (m / freq.max(MIN_PROBABILITY)).log2();
            }
        }
        self.weights[field.index()][usize::from(level)]
    }

    /// The score of a comparison vector.
    pub fn score(&self, gamma: &Gamma) -> Score {
        let mut w = self.prior_weight;
        for field in MatchField::ALL {
            if gamma.levels[field.index()] != 0 {
                w += self.field_weight(field, gamma);
            }
        }
        Score::from_weight(w)
    }

    /// Compares and scores two records.
    pub fn compare(&self, a: &MatchRecord, b: &MatchRecord) -> (Gamma, Score) {
        let gamma = compare(a, b);
        let score = self.score(&gamma);
        (gamma, score)
    }

    /// Field by field, what agreed and how much it weighed.
    pub fn evidence(&self, gamma: &Gamma) -> Vec<FieldEvidence> {
        MatchField::ALL
            .iter()
            .map(|&field| {
                let info = field.levels()[usize::from(gamma.level(field))];
                FieldEvidence {
                    field,
                    outcome: info.outcome,
                    level: info.name,
                    weight: self.field_weight(field, gamma),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linkage::compare::levels;
    use crate::linkage::record::RecordParts;

    fn thresholds() -> LinkageThresholds {
        LinkageThresholds { link: 0.999, possible: 0.9 }
    }

    #[test]
    fn probabilities_fall_into_the_three_bands() {
        let t = thresholds();
        assert_eq!(Band::of(0.9995, &t), Band::Link);
        assert_eq!(Band::of(0.999, &t), Band::Link);
        assert_eq!(Band::of(0.95, &t), Band::Possible);
        assert_eq!(Band::of(0.9, &t), Band::Possible);
        assert_eq!(Band::of(0.5, &t), Band::NonMatch);
    }

    #[test]
    fn weight_and_probability_are_inverse_and_do_not_overflow() {
        for w in [-40.0, -3.0, 0.0, 2.5, 40.0] {
            assert!((weight_of(probability_of(w)) - w).abs() < 1e-6, "{w}");
        }
        assert_eq!(probability_of(0.0), 0.5);
        assert!(probability_of(5000.0) <= 1.0 && probability_of(-5000.0) >= 0.0);
    }

    #[test]
    fn missing_values_weigh_nothing_and_the_prior_alone_remains() {
        let model = Model::new(ModelParams::untrained(0.001));
        let empty = MatchRecord::from_parts(&RecordParts::default());
        let (gamma, score) = model.compare(&empty, &empty);
        assert!(gamma.levels.iter().all(|l| *l == 0));
        assert!((score.weight - weight_of(0.001)).abs() < 1e-9);
    }

    #[test]
    fn a_rare_surname_counts_for_more_than_a_common_one() {
        let r = |s| MatchRecord::from_parts(&RecordParts { surname: Some(s), ..RecordParts::default() });
        let mut people: Vec<MatchRecord> = (0..98).map(|_| r("Smith")).collect();
        people.push(r("Featherstonehaugh"));
        people.push(r("Featherstonehaugh"));
        let mut params = ModelParams::untrained(0.001);
        params.term_frequencies = TermFrequencies::from_records(&people);
        let model = Model::new(params);
        let (g_common, common) = model.compare(&r("Smith"), &r("Smith"));
        let (g_rare, rare) = model.compare(&r("Featherstonehaugh"), &r("Featherstonehaugh"));
        assert_eq!(g_common.level(MatchField::Surname), levels::surname::EXACT);
        assert_eq!(g_rare.level(MatchField::Surname), levels::surname::EXACT);
        assert!(rare.weight > common.weight + 5.0, "rare {} common {}", rare.weight, common.weight);
        // 98% of records are Smiths: agreeing on it says almost nothing.
        assert!(model.field_weight(MatchField::Surname, &g_common) < 0.0);
    }

    #[test]
    fn parameters_saved_before_a_level_existed_get_its_defaults() {
        let mut old = ModelParams::untrained(0.001);
        let location = old.field_mut(MatchField::Location);
        location.m.pop();
        location.u.pop();
        let model = Model::new(old);
        let last = MatchField::Location.levels().len() - 1;
        let level = MatchField::Location.levels()[last];
        assert_eq!(model.params().field(MatchField::Location).m.len(), last + 1);
        let expected = (level.default_m / level.default_u).log2();
        assert!((model.params().level_weight(MatchField::Location, last as u8) - expected).abs() < 1e-9);
    }

    #[test]
    fn parameters_round_trip_through_json() {
        let mut params = ModelParams::untrained(0.0004);
        params.term_frequencies.surnames.insert(42, 7);
        params.term_frequencies.surnames_total = 7;
        let json = serde_json::to_string(&params).unwrap();
        let back: ModelParams = serde_json::from_str(&json).unwrap();
        assert_eq!(back, params);
    }

    #[test]
    fn evidence_names_levels_and_outcomes_without_values() {
        let model = Model::new(ModelParams::untrained(0.001));
        let a = MatchRecord::from_parts(&RecordParts {
            first_name: Some("Robert"),
            surname: Some("Smith"),
            ..RecordParts::default()
        });
        let b = MatchRecord::from_parts(&RecordParts {
            first_name: Some("Bob"),
            surname: Some("Smith"),
            ..RecordParts::default()
        });
        let (gamma, _) = model.compare(&a, &b);
        let evidence = model.evidence(&gamma);
        assert_eq!(evidence[0].level, "nickname");
        assert_eq!(evidence[0].outcome, Outcome::Agree);
        assert_eq!(evidence[2].outcome, Outcome::Missing);
        assert_eq!(evidence[2].weight, 0.0);
        let text = format!("{evidence:?}").to_lowercase();
        assert!(!text.contains("robert") && !text.contains("smith"));
    }
}
