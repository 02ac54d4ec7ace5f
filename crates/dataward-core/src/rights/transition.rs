//! The request state machine: `apply(request, event, now)` returns the next request and the
//! timestamped history entry for the audit trail, or a typed error for an illegal transition.
//!
//! | from \ event          | to                                                        |
//! |-----------------------|-----------------------------------------------------------|
//! | received              | `RequireVerification` → awaiting_verification; `VerificationNotNeeded` → in_progress; `Refuse` → refused; `Revoke` → revoked |
//! | awaiting_verification | `Verified` → in_progress; `Expire` (after the window) → expired; `Refuse` → refused; `Revoke` → revoked |
//! | in_progress           | `Extend` → extended; `Complete` → completed; `Refuse` → refused; `Revoke` → revoked |
//! | extended              | `ExtensionNoticeSent` → extended; `Complete` → completed; `Refuse` → refused; `Revoke` → revoked |
//! | final states          | nothing                                                   |
//!
//! Rules beyond the table: an extension needs an explanation, adds 1 or 2 months, is decided on or
//! before the original due date, and happens once; a refusal reason must fit the request's kind
//! ([`RefusalReason::allowed_for`]); expiry waits until the verification window has passed; and
//! `now` may not be earlier than the request's last transition.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use super::deadline::{MAX_EXTENSION_MONTHS, extended_due_date, uk_date};
use super::kind::{RequestId, RequestKind};
use super::request::{Extension, Request};
use super::status::{ExtensionReason, RefusalReason, Status};
use crate::profile::ResponsePeriod;

/// Something that happens to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum Event {
    /// Triage: the requester must prove their identity (the clock stops until they do).
    RequireVerification,
    /// Triage: no verification is needed (the clock keeps running from receipt).
    VerificationNotNeeded,
    /// The requester proved their identity (the clock starts now).
    Verified,
    /// The DPO extends the deadline by `months` (1 or 2) further calendar months.
    Extend { months: u8, reason: ExtensionReason },
    /// The outbox sent the requester the extension notice.
    ExtensionNoticeSent,
    /// The right has been given effect and the requester answered.
    Complete,
    /// The request is refused.
    Refuse { reason: RefusalReason },
    /// The requester withdrew the request.
    Revoke,
    /// Verification was never completed within the window.
    Expire,
}

impl Event {
    /// The event's name, for history and errors.
    pub fn as_str(&self) -> &'static str {
        match self {
            Event::RequireVerification => "require_verification",
            Event::VerificationNotNeeded => "verification_not_needed",
            Event::Verified => "verified",
            Event::Extend { .. } => "extend",
            Event::ExtensionNoticeSent => "extension_notice_sent",
            Event::Complete => "complete",
            Event::Refuse { .. } => "refuse",
            Event::Revoke => "revoke",
            Event::Expire => "expire",
        }
    }
}

/// One line of a request's audit trail. `event` is None for the receipt itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    pub request: RequestId,
    pub at: Timestamp,
    pub from: Option<Status>,
    pub to: Status,
    pub event: Option<Event>,
}

impl HistoryEntry {
    /// The first entry of every request's trail: its receipt.
    pub fn received(request: &Request) -> HistoryEntry {
        HistoryEntry { request: request.id(), at: request.received_at(), from: None, to: Status::Received, event: None }
    }
}

/// The result of a legal transition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub request: Request,
    pub entry: HistoryEntry,
}

/// Why an event cannot be applied to a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("request is {status} and closed: `{event}` cannot be applied")]
    Closed { status: Status, event: &'static str },
    #[error("`{event}` is not allowed while the request is {status}")]
    NotAllowed { status: Status, event: &'static str },
    #[error("an extension needs an explanation for the requester")]
    ExtensionWithoutReason,
    #[error("an extension adds 1 to {max} months, not {months}", max = MAX_EXTENSION_MONTHS)]
    ExtensionLength { months: u8 },
    #[error("an extension must be decided by the original due date {due_on}, not on {today}")]
    ExtensionTooLate { due_on: Date, today: Date },
    #[error("the deadline has already been extended (to {extended_due})")]
    AlreadyExtended { extended_due: Date },
    #[error("the extension notice was already sent")]
    NoticeAlreadySent,
    #[error("a request for {kind} cannot be refused as {reason}", kind = kind.as_str(), reason = reason.as_str())]
    RefusalNotAllowed { kind: RequestKind, reason: RefusalReason },
    #[error("the requester may verify until {expires_on}; it cannot expire on {today}")]
    VerificationWindowOpen { expires_on: Date, today: Date },
    #[error("{now} is before the request's last transition at {last}")]
    TimeWentBackwards { last: Timestamp, now: Timestamp },
}

/// Applies `event` to `request` at `now`.
pub fn apply(request: &Request, event: Event, now: Timestamp) -> Result<Transition, TransitionError> {
    use Status::*;
    let status = request.status();
    if status.is_final() {
        return Err(TransitionError::Closed { status, event: event.as_str() });
    }
    if now < request.updated_at() {
        return Err(TransitionError::TimeWentBackwards { last: request.updated_at(), now });
    }
    let not_allowed = || TransitionError::NotAllowed { status, event: event.as_str() };
    let mut next = request.clone();
    next.updated_at = now;
    next.status = match (&event, status) {
        (Event::RequireVerification, Received) => {
            next.verification_asked_at = Some(now);
            AwaitingVerification
        }
        (Event::VerificationNotNeeded, Received) => InProgress,
        (Event::Verified, AwaitingVerification) => {
            next.verified_at = Some(now);
            InProgress
        }
        (Event::Extend { months, reason }, InProgress | Extended) => {
            next.extension = Some(extension(request, *months, reason, now)?);
            Extended
        }
        (Event::ExtensionNoticeSent, Extended) => {
            let ext = next.extension.as_mut().ok_or_else(not_allowed)?;
            if ext.notice_sent_at.is_some() {
                return Err(TransitionError::NoticeAlreadySent);
            }
            ext.notice_sent_at = Some(now);
            Extended
        }
        (Event::Complete, InProgress | Extended) => Completed,
        (Event::Refuse { reason }, Received | AwaitingVerification | InProgress | Extended) => {
            if !reason.allowed_for(request.kind()) {
                return Err(TransitionError::RefusalNotAllowed { kind: request.kind(), reason: *reason });
            }
            Refused(*reason)
        }
        (Event::Revoke, _) => Revoked,
        (Event::Expire, AwaitingVerification) => {
            let today = uk_date(now);
            match request.verification_expires_on() {
                Some(expires_on) if today > expires_on => Expired,
                Some(expires_on) => return Err(TransitionError::VerificationWindowOpen { expires_on, today }),
                None => return Err(not_allowed()),
            }
        }
        _ => return Err(not_allowed()),
    };
    let entry =
        HistoryEntry { request: request.id(), at: now, from: Some(status), to: next.status, event: Some(event) };
    Ok(Transition { request: next, entry })
}

fn extension(
    request: &Request,
    months: u8,
    reason: &ExtensionReason,
    now: Timestamp,
) -> Result<Extension, TransitionError> {
    if let Some(ext) = request.extension() {
        return Err(TransitionError::AlreadyExtended { extended_due: ext.extended_due });
    }
    if !reason.is_given() {
        return Err(TransitionError::ExtensionWithoutReason);
    }
    if months == 0 || months > MAX_EXTENSION_MONTHS {
        return Err(TransitionError::ExtensionLength { months });
    }
    // In progress, so the clock has started and there is a due date.
    let original_due = request.original_due_on().expect("a request in progress has a due date");
    let today = uk_date(now);
    if today > original_due {
        return Err(TransitionError::ExtensionTooLate { due_on: original_due, today });
    }
    Ok(Extension {
        months,
        reason: reason.clone(),
        decided_at: now,
        original_due,
        extended_due: extended_due_date(original_due, months),
        notice_sent_at: None,
    })
}

/// Rebuilds a request from its receipt and its recorded events (the store keeps the history,
/// not a mutable row of fields), checking every step as [`apply`] does.
pub fn replay(
    id: RequestId,
    kind: RequestKind,
    period: ResponsePeriod,
    received_at: Timestamp,
    events: impl IntoIterator<Item = (Event, Timestamp)>,
) -> Result<Request, TransitionError> {
    events.into_iter().try_fold(Request::receive(id, kind, period, received_at), |request, (event, at)| {
        apply(&request, event, at).map(|t| t.request)
    })
}

#[cfg(test)]
mod tests;
