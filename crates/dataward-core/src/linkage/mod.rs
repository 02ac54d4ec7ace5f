//! Identity resolution: probabilistic record linkage in the Fellegi–Sunter tradition.
//!
//! A false match hands one person's data to someone asking about another, so this module is
//! built to be precise first: it links only above the profile's link threshold, keeps a
//! *possible* band for review that never discloses, and refuses to join records that disagree on
//! date of birth and every contact detail.
//!
//! Layout, in the order data flows:
//! - [`normalise`]: matching forms of names (accents, titles, suffixes, double-barrelled
//!   surnames), UK addresses, postcodes, emails (provider canonical forms), phones, dates of birth;
//!   [`nicknames`]: first-name equivalents (Bob/Robert).
//! - [`record`]: [`MatchRecord`], built from a `CleanRecord` or from raw fields.
//! - [`compare`]: per-field comparison levels ([`similarity`]: fast Jaro–Winkler and edit distance), with address, postcode and town as one
//!   *location* comparison so that a mover is penalised once.
//! - [`model`]: m and u probabilities, term frequencies, match weight and probability, [`Band`].
//! - [`em`]: expectation–maximisation; [`train`]: u from random pairs, m by EM, the prior.
//! - [`blocking`]: OR-ed blocking rules and an incremental block index.
//! - [`cluster`]: the incremental [`Clusterer`] with its over-merge guards and history.
//! - [`query`]: "who is this?" answers that name fields agreed, never values.
//! - [`stored`]: the stored form of a record; [`bootstrap`]: the model a store starts with.
//!
//! Everything here is pure and single-threaded: no I/O, clock or environment.

pub mod blocking;
pub mod bootstrap;
pub mod cluster;
pub mod compare;
pub mod em;
pub mod model;
pub mod nicknames;
pub mod normalise;
pub mod query;
pub mod record;
pub mod similarity;
pub mod stored;
pub mod train;

#[cfg(test)]
mod tests;

pub use blocking::{BlockIndex, Blocker, BlockingRule, FastMap, legacy_full_name_key};
pub use bootstrap::{
    GeneratedMatch, GeneratedQuery, bootstrap_params, generated_clean_rows, generated_population, generated_queries,
};
pub use cluster::{AddOutcome, Clusterer, Event, PersonId, RecordId, RefusalReason, linked_parts};
pub use compare::{Gamma, MatchField, Outcome, compare};
pub use model::{Band, FieldEvidence, Model, ModelParams, Score, TermFrequencies};
pub use query::{QueryMatch, best_match};
pub use record::{MatchRecord, RecordParts};
pub use train::{TrainingData, TrainingOptions, train};
