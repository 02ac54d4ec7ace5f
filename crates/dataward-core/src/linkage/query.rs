//! Query matching: "who is this?" for a query record (a client's customer, a rights requester).
//!
//! The query is scored against candidate records grouped by person; a person's score is its
//! best-scoring record. The answer names the best person, its band, weight and probability, and
//! field by field whether the best record agreed, partly agreed, disagreed or was missing, and
//! the level's name — never a stored value.
//!
//! Two rules keep a query from being answered with the wrong person:
//! - a person holding any record the query is incompatible with (different date of birth and no
//!   shared email, phone or id, see [`Gamma::is_incompatible_for_query`]: a shared address does
//!   not count here, as it may for two stored records) cannot be a link: at best possible;
//! - when a second person also reaches the link band the answer is ambiguous and is downgraded
//!   to possible: it goes to review, and nothing is disclosed.

use serde::Serialize;

use super::blocking::FastMap;
use super::cluster::PersonId;
use super::compare::Gamma;
use super::model::{Band, FieldEvidence, Model, Score, probability_of};
use super::record::MatchRecord;
use crate::profile::LinkageThresholds;

/// The answer to a query. Holds no stored value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryMatch {
    /// The best person, when any candidate was compared.
    pub person: Option<PersonId>,
    pub band: Band,
    /// Weight and probability of the best person's best record; `None` without candidates.
    pub weight: Option<f64>,
    pub probability: Option<f64>,
    /// Field by field, how the best record compared.
    pub fields: Vec<FieldEvidence>,
    /// Another person also reached the link band, so the answer was downgraded.
    pub ambiguous: bool,
    /// The best person holds a record the query is incompatible with, so it cannot be a link.
    pub conflicting_record: bool,
    /// Records compared.
    pub compared: usize,
}

struct Best {
    score: Score,
    gamma: Gamma,
    incompatible: bool,
}

/// Scores `query` against candidate (person, record) pairs and picks the best person.
pub fn best_match<'a>(
    model: &Model,
    thresholds: &LinkageThresholds,
    query: &MatchRecord,
    candidates: impl IntoIterator<Item = (PersonId, &'a MatchRecord)>,
) -> QueryMatch {
    let mut persons: FastMap<PersonId, Best> = FastMap::default();
    let mut compared = 0;
    for (person, record) in candidates {
        compared += 1;
        let (gamma, score) = model.compare(query, record);
        let incompatible = gamma.is_incompatible_for_query();
        let best = persons.entry(person).or_insert(Best { score, gamma, incompatible });
        best.incompatible |= incompatible;
        if score.weight > best.score.weight {
            best.score = score;
            best.gamma = gamma;
        }
    }
    let mut ranked: Vec<(PersonId, Best)> = persons.into_iter().collect();
    ranked.sort_by(|a, b| b.1.score.weight.total_cmp(&a.1.score.weight).then(a.0.cmp(&b.0)));
    let Some((person, best)) = ranked.first() else {
        return QueryMatch {
            person: None,
            band: Band::NonMatch,
            weight: None,
            probability: None,
            fields: Vec::new(),
            ambiguous: false,
            conflicting_record: false,
            compared,
        };
    };
    let mut band = Band::of(best.score.probability, thresholds);
    let ambiguous = band == Band::Link
        && ranked.get(1).is_some_and(|(_, second)| Band::of(second.score.probability, thresholds) == Band::Link);
    if band == Band::Link && (ambiguous || best.incompatible) {
        band = Band::Possible;
    }
    QueryMatch {
        person: Some(*person),
        band,
        weight: Some(best.score.weight),
        probability: Some(probability_of(best.score.weight)),
        fields: model.evidence(&best.gamma),
        ambiguous,
        conflicting_record: best.incompatible,
        compared,
    }
}
