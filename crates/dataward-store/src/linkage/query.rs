//! "Who is this?" against the store: the best person for a query record (a client's customer, a
//! rights requester), its band and weight, and field by field what agreed — never a value.

use std::collections::HashMap;

use dataward_core::linkage::{Band, Blocker, FieldEvidence, MatchRecord, PersonId, best_match};
use dataward_core::profile::LinkageThresholds;
use jiff::Timestamp;
use serde::Serialize;

use super::candidates::{held_persons_in_blocks, keyed_probe_keys};
use crate::{Store, StoreError};

/// The answer to a query. Holds no stored value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonMatch {
    /// The person, only when the band is `link`: nothing may be disclosed on a weaker match.
    pub person_id: Option<String>,
    /// The best person when the band is `possible`, for review only.
    pub possible_person_id: Option<String>,
    pub band: Band,
    pub weight: Option<f64>,
    pub probability: Option<f64>,
    pub fields: Vec<FieldEvidence>,
    /// Another person also reached the link band, so the answer was downgraded.
    pub ambiguous: bool,
    /// The best person holds a record the query is incompatible with.
    pub conflicting_record: bool,
    /// Records compared.
    pub compared: usize,
}

/// Which records a query may match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchScope {
    /// Every record held, whatever its partner's status (rights requests: a withdrawn partner's
    /// records stay visible to access requests during its rights-only hold).
    AllHeld,
    /// Only records of active partners (client requests: a withdrawn partner's records are
    /// released for nothing, so they do not make or shape a match).
    Releasable,
}

impl Store {
    /// Finds the person `query` describes among every record held.
    pub async fn match_person(
        &self,
        query: &MatchRecord,
        thresholds: &LinkageThresholds,
        now: Timestamp,
    ) -> Result<PersonMatch, StoreError> {
        self.match_person_in(query, thresholds, now, MatchScope::AllHeld).await
    }

    /// Finds the person `query` describes among records of active partners (client requests).
    pub async fn match_releasable_person(
        &self,
        query: &MatchRecord,
        thresholds: &LinkageThresholds,
        now: Timestamp,
    ) -> Result<PersonMatch, StoreError> {
        self.match_person_in(query, thresholds, now, MatchScope::Releasable).await
    }

    /// Finds the person `query` describes among the records `scope` allows.
    pub async fn match_person_in(
        &self,
        query: &MatchRecord,
        thresholds: &LinkageThresholds,
        now: Timestamp,
        scope: MatchScope,
    ) -> Result<PersonMatch, StoreError> {
        let blocker = Blocker::default();
        let keys = keyed_probe_keys(self, blocker.probe_keys(query), query);
        let active_partners_only = scope == MatchScope::Releasable;
        let blocks = held_persons_in_blocks(self, &keys, blocker.max_block, active_partners_only).await?;
        // The blocks' statement said which model is active: the cached one when it still is.
        let model = match (blocks.active_model, self.cached_model()) {
            (Some(active), Some(cached)) if cached.id == active => cached,
            _ => self.query_model(now).await?,
        }
        .model();
        let held = blocks.held;
        let ids: HashMap<PersonId, &str> =
            held.iter().enumerate().map(|(i, h)| (PersonId(i as u64), h.person_id.as_str())).collect();
        let candidates =
            held.iter().enumerate().flat_map(|(i, h)| h.records.iter().map(move |(_, r)| (PersonId(i as u64), r)));
        let m = best_match(&model, thresholds, query, candidates);
        let name = |p: Option<PersonId>| p.and_then(|p| ids.get(&p)).map(|s| s.to_string());
        Ok(PersonMatch {
            person_id: if m.band == Band::Link { name(m.person) } else { None },
            possible_person_id: if m.band == Band::Possible { name(m.person) } else { None },
            band: m.band,
            weight: m.weight,
            probability: m.probability,
            fields: m.fields,
            ambiguous: m.ambiguous,
            conflicting_record: m.conflicting_record,
            compared: m.compared,
        })
    }
}
