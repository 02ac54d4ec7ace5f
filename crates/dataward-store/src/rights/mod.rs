//! Data-subject rights in the store: requests with their event history (`requests`), one-time
//! codes (`codes`), the rights flags a request leaves on a person's records and the actions that
//! change held data (`actions`: erasure, rectification, and `rematch`, which rebuilds a rectified
//! record's matching forms), one-time downloads (`downloads`) and the
//! notification outbox (`outbox`).

mod actions;
mod codes;
mod downloads;
mod outbox;
mod rematch;
mod requests;

pub use actions::{ErasureSummary, RectificationSummary};
pub use codes::CodeCheck;
pub use outbox::{NewNotification, Notification};
pub use requests::{NewRightsRequest, RightsEvent, StoredRequest};

use dataward_core::audit::Actor;

/// The audit log's actor for a rights actor name (`cli`, `staff:<id>`, `client:<id>`; the portal,
/// the API and anything else are dataward itself acting on the requester's behalf).
pub fn audit_actor(actor: &str) -> Actor {
    Actor::parse(actor).unwrap_or(Actor::System)
}
