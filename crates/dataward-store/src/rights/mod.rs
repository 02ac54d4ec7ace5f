//! Data-subject rights in the store: requests with their event history (`requests`), one-time
//! codes (`codes`), the rights flags a request leaves on a person's records and the actions that
//! change held data (`actions`: erasure, rectification), one-time downloads (`downloads`) and the
//! notification outbox (`outbox`).

mod actions;
mod codes;
mod downloads;
mod outbox;
mod requests;

pub use actions::{ErasureSummary, RectificationSummary};
pub use codes::CodeCheck;
pub use outbox::{NewNotification, Notification};
pub use requests::{NewRightsRequest, RightsEvent, StoredRequest};
