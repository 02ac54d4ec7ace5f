//! The DPO's queue: how urgent each request is on a given day, and the order to work them in
//! (overdue first, most overdue first; then due within 7 days; then the rest by due date).

use std::cmp::Ordering;

use jiff::Span;
use jiff::civil::Date;
use serde::Serialize;

use super::request::Request;

/// How many days ahead counts as "due soon" (the due date is within this many days of today).
pub const DUE_SOON_DAYS: i32 = 7;

/// How urgent a request is on a given day. Ordered most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// Open and past its due date.
    Overdue,
    /// Open and due today or within [`DUE_SOON_DAYS`] days.
    DueSoon,
    /// Open with more time left, or waiting for the requester to verify (no clock running).
    OnTrack,
    /// Final: nothing left to do.
    Closed,
}

/// How urgent `request` is on `today` (a UK date).
pub fn urgency(request: &Request, today: Date) -> Urgency {
    if request.is_closed() {
        return Urgency::Closed;
    }
    match request.due_on() {
        Some(due) if due < today => Urgency::Overdue,
        Some(due) if due <= today.saturating_add(Span::new().days(DUE_SOON_DAYS)) => Urgency::DueSoon,
        _ => Urgency::OnTrack,
    }
}

/// The queue order of two requests on `today`: by urgency, then by due date (earliest first, so
/// the most overdue lead), requests with no running clock after those with one, then by receipt
/// and id so the order is total.
pub fn queue_cmp(a: &Request, b: &Request, today: Date) -> Ordering {
    let key = |r: &Request| (urgency(r, today), r.due_on().is_none(), r.due_on(), r.received_at(), r.id());
    key(a).cmp(&key(b))
}

/// Sorts requests into queue order on `today`.
pub fn sort_queue(requests: &mut [Request], today: Date) {
    requests.sort_by(|a, b| queue_cmp(a, b, today));
}

#[cfg(test)]
mod tests;
