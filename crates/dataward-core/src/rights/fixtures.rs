//! Shared test helpers: instants, dates and requests walked to a given status.

use jiff::Timestamp;
use jiff::civil::{Date, date};

use super::*;
use crate::profile::ResponsePeriod;

/// Noon UTC on a day (noon is the same UK day in GMT and BST).
pub fn noon(y: i16, m: i8, d: i8) -> Timestamp {
    date(y, m, d).at(12, 0, 0, 0).in_tz("UTC").unwrap().timestamp()
}

pub fn day(y: i16, m: i8, d: i8) -> Date {
    date(y, m, d)
}

pub fn received(kind: RequestKind, at: Timestamp) -> Request {
    Request::receive(RequestId(1), kind, ResponsePeriod::CalendarMonth, at)
}

pub fn step(request: &Request, event: Event, at: Timestamp) -> Request {
    apply(request, event, at).unwrap_or_else(|e| panic!("{e}")).request
}

/// An access request received and, needing no verification, in progress at `at`.
pub fn in_progress(at: Timestamp) -> Request {
    step(&received(RequestKind::Access, at), Event::VerificationNotNeeded, at)
}

pub fn reason() -> ExtensionReason {
    ExtensionReason::new(ExtensionGround::Complex, "data from eleven source partners")
}

pub fn extend(months: u8) -> Event {
    Event::Extend { months, reason: reason() }
}
