//! A rights request as a value: its kind, status, the instants that drive its clock, and the
//! deadlines and owed notices derived from them.
//!
//! # When the clock starts
//! The ICO's rule: the time limit runs from receipt, but where the controller needs to verify the
//! requester's identity it runs from when the identity is verified. dataward follows it exactly:
//! - a request that needs no verification (decided on triage, e.g. the requester already proved
//!   control of the contact details it concerns) runs from `received_at`;
//! - a request sent for verification has no running clock while it waits; once verified, it runs
//!   from `verified_at`;
//! - a request not yet triaged (`Received`) is treated as running from receipt, so a request
//!   nobody looked at still shows up as due (and overdue) in the queue.
//!
//! Instants are `Timestamp`s; the day they fall on is taken in UK civil time ([`uk_date`]).
//! The response period is copied from the profile on receipt, so a later profile change does not
//! move an open request's deadline.
//!
//! A `Request` is only made by [`Request::receive`] and changed by [`apply`](super::apply), so its
//! fields are always consistent; the store rebuilds one with [`replay`](super::replay).

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use super::deadline::{due_date, uk_date, verification_expiry};
use super::kind::{RequestId, RequestKind};
use super::status::{ExtensionReason, Status};
use crate::profile::ResponsePeriod;

/// A data-subject rights request. Holds ids and instants only, never personal values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub(super) id: RequestId,
    pub(super) kind: RequestKind,
    pub(super) period: ResponsePeriod,
    pub(super) status: Status,
    pub(super) received_at: Timestamp,
    pub(super) verification_asked_at: Option<Timestamp>,
    pub(super) verified_at: Option<Timestamp>,
    pub(super) extension: Option<Extension>,
    pub(super) updated_at: Timestamp,
}

/// An extension of a request's deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Extension {
    /// 1 or 2 further calendar months.
    pub months: u8,
    pub reason: ExtensionReason,
    pub decided_at: Timestamp,
    /// The due date before the extension; the requester must be told by then.
    pub original_due: Date,
    /// `original_due` plus `months` calendar months.
    pub extended_due: Date,
    /// When the outbox sent the extension notice to the requester.
    pub notice_sent_at: Option<Timestamp>,
}

impl Extension {
    /// Whether the requester was told in time, which is what makes the extension effective.
    pub fn notice_in_time(&self) -> bool {
        self.notice_sent_at.is_some_and(|at| uk_date(at) <= self.original_due)
    }
}

/// A notice the requester is owed, for the outbox to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "notice")]
pub enum NoticeOwed {
    /// The deadline is extended: tell the requester why and the new date, by `send_by`.
    Extension { request: RequestId, send_by: Date, extended_due: Date, reason: ExtensionReason },
}

impl Request {
    /// A newly received request. The caller records the history entry that [`apply`](super::apply)
    /// would otherwise give: see [`HistoryEntry::received`](super::HistoryEntry::received).
    pub fn receive(id: RequestId, kind: RequestKind, period: ResponsePeriod, now: Timestamp) -> Request {
        Request {
            id,
            kind,
            period,
            status: Status::Received,
            received_at: now,
            verification_asked_at: None,
            verified_at: None,
            extension: None,
            updated_at: now,
        }
    }

    pub fn id(&self) -> RequestId {
        self.id
    }
    pub fn kind(&self) -> RequestKind {
        self.kind
    }
    pub fn status(&self) -> Status {
        self.status
    }
    pub fn period(&self) -> ResponsePeriod {
        self.period
    }
    pub fn received_at(&self) -> Timestamp {
        self.received_at
    }
    /// When the requester was asked to verify their identity (None if never).
    pub fn verification_asked_at(&self) -> Option<Timestamp> {
        self.verification_asked_at
    }
    /// When the requester's identity was verified (None if not needed, or not yet).
    pub fn verified_at(&self) -> Option<Timestamp> {
        self.verified_at
    }
    pub fn extension(&self) -> Option<&Extension> {
        self.extension.as_ref()
    }
    /// The instant of the last transition.
    pub fn updated_at(&self) -> Timestamp {
        self.updated_at
    }
    pub fn is_closed(&self) -> bool {
        self.status.is_final()
    }

    /// When the response clock started: `verified_at` if identity had to be verified, else
    /// `received_at`. None while the request waits for verification (or expired waiting).
    pub fn clock_start(&self) -> Option<Timestamp> {
        match (self.verification_asked_at, self.verified_at) {
            (None, _) => Some(self.received_at),
            (Some(_), verified) => verified,
        }
    }

    /// The due date before any extension: the period after the day the clock started.
    pub fn original_due_on(&self) -> Option<Date> {
        self.clock_start().map(|start| due_date(uk_date(start), self.period))
    }

    /// The date the request must be answered by (inclusive).
    ///
    /// This is the extended due date only once the extension notice has been sent on or before the
    /// original due date: until the requester is told, the original date stands, so a notice the
    /// outbox failed to send shows up as a deadline, not as a silent extension.
    pub fn due_on(&self) -> Option<Date> {
        match &self.extension {
            Some(ext) if ext.notice_in_time() => Some(ext.extended_due),
            _ => self.original_due_on(),
        }
    }

    /// The last day on which the requester may still verify their identity (only while awaiting
    /// verification); after it the request may be expired.
    pub fn verification_expires_on(&self) -> Option<Date> {
        match (self.status, self.verification_asked_at) {
            (Status::AwaitingVerification, Some(asked)) => Some(verification_expiry(uk_date(asked))),
            _ => None,
        }
    }

    /// The notice the requester is still owed, if any: an extension notice not yet sent, on a
    /// request still open.
    pub fn notice_owed(&self) -> Option<NoticeOwed> {
        match &self.extension {
            Some(ext) if ext.notice_sent_at.is_none() && !self.is_closed() => Some(NoticeOwed::Extension {
                request: self.id,
                send_by: ext.original_due,
                extended_due: ext.extended_due,
                reason: ext.reason.clone(),
            }),
            _ => None,
        }
    }
}
