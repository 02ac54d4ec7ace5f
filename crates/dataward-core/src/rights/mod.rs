//! Data-subject rights requests as a pure domain: kinds, statuses, the state machine, deadlines,
//! the Data Rights Protocol view and the DPO's queue order. No I/O and no clock reads: every
//! function is given `now` (a `Timestamp`) or `today` (a UK `Date`).
//!
//! Layout:
//! - `kind`: the request id and the right exercised ([`RequestKind`]).
//! - `status`: [`Status`], refusal reasons and extension reasons.
//! - `deadline`: UK calendar-month arithmetic, fixed-day periods, extensions, UK dates.
//! - `request`: [`Request`], when its clock starts, its due date and owed notices.
//! - `transition`: [`apply`] (the state machine) and [`replay`], with history entries for the audit
//!   trail.
//! - `drp`: the Data Rights Protocol status view.
//! - `queue`: [`Urgency`] and the queue order.
//! - [`report`]: the access report (Art. 15) arranged from loaded facts.

mod deadline;
mod drp;
pub mod flags;
mod kind;
mod notice_target;
mod queue;
pub mod report;
mod request;
mod requester;
mod status;
mod transition;

pub use deadline::{
    MAX_EXTENSION_MONTHS, VERIFICATION_WINDOW_DAYS, add_calendar_months, due_date, extended_due_date, uk_date,
    verification_expiry,
};
pub use drp::{DrpReason, DrpStatus, DrpView, drp_view};
pub use kind::{ConsentScope, ObjectionScope, RequestId, RequestKind};
pub use notice_target::check_webhook_url;
pub use queue::{DUE_SOON_DAYS, Urgency, queue_cmp, sort_queue, urgency};
pub use request::{Extension, NoticeOwed, Request};
pub use requester::{
    CORRECTABLE_FIELDS, Contact, Correction, Requester, RequesterError, RequesterForm, normalise_correction,
};
pub use status::{ExtensionGround, ExtensionReason, RefusalReason, Status};
pub use transition::{Event, HistoryEntry, Transition, TransitionError, apply, replay};

#[cfg(test)]
mod fixtures;
