//! Identity resolution against the store: the engine in `dataward_core::linkage` (pure, in
//! memory) applied to persons held here.
//!
//! The store keeps, per source record, its matching form (`match_records`, through the codec)
//! and its blocking keys under the server secret (`blocking_keys`). To link a chunk of new
//! records, or to answer a query, it finds the persons sharing a blocking key with them, loads
//! every record of those persons into a working [`Clusterer`](dataward_core::linkage::Clusterer),
//! and lets the engine decide exactly as it would with the whole base in memory: a record is
//! only ever compared with records sharing a block, and the guards look at every member of the
//! persons involved, all of which are loaded. The outcome (new persons, merges, splits) is then
//! written back, with its history.
//!
//! Layout: [`model`] (the active model: bootstrap, training, inspection), `candidates`
//! (finding and loading persons), [`assign`] (mapping the working clustering back to store
//! persons, pure), `apply` (moving records, events, reviews), [`query`] ("who is this?"),
//! [`reviews`] (the possible band).

pub(crate) mod apply;
pub mod assign;
pub(crate) mod candidates;
pub mod model;
pub mod query;
pub mod reviews;

pub use model::{ActiveModel, TrainReport};
pub use query::{MatchScope, PersonMatch};
pub use reviews::Review;
