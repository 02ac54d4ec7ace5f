//! The Data Rights Protocol's view of a request: its status, reason and `expected_by`.
//!
//! | dataward status       | DRP status    | DRP reason               | `expected_by`              |
//! |-----------------------|---------------|--------------------------|----------------------------|
//! | received              | `open`        |                          | due date (from receipt)    |
//! | awaiting_verification | `in_progress` | `need_user_verification` | last day to verify         |
//! | in_progress, extended | `in_progress` |                          | due date (extended if told)|
//! | completed             | `fulfilled`   |                          |                            |
//! | refused               | `denied`      | see [`DrpReason::for_refusal`] |                      |
//! | revoked               | `revoked`     |                          |                            |
//! | expired               | `expired`     |                          |                            |
//!
//! While the requester is asked to verify, no response clock runs, so `expected_by` is the date by
//! which the request will change state at the latest: the end of the verification window.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use super::request::Request;
use super::status::{RefusalReason, Status};

/// A DRP request status (DRP v0.9 §3.02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DrpStatus {
    Open,
    InProgress,
    Fulfilled,
    Denied,
    Revoked,
    Expired,
}

impl DrpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DrpStatus::Open => "open",
            DrpStatus::InProgress => "in_progress",
            DrpStatus::Fulfilled => "fulfilled",
            DrpStatus::Denied => "denied",
            DrpStatus::Revoked => "revoked",
            DrpStatus::Expired => "expired",
        }
    }
}

/// A DRP status reason (DRP v0.9 §3.02).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DrpReason {
    NeedUserVerification,
    SuspectedFraud,
    InsufVerification,
    ClaimNotCovered,
    TooManyRequests,
    Other,
}

impl DrpReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DrpReason::NeedUserVerification => "need_user_verification",
            DrpReason::SuspectedFraud => "suspected_fraud",
            DrpReason::InsufVerification => "insuf_verification",
            DrpReason::ClaimNotCovered => "claim_not_covered",
            DrpReason::TooManyRequests => "too_many_requests",
            DrpReason::Other => "other",
        }
    }

    /// The DRP reason for a refusal.
    pub fn for_refusal(reason: RefusalReason) -> DrpReason {
        match reason {
            RefusalReason::IdentityNotConfirmed => DrpReason::InsufVerification,
            RefusalReason::SuspectedFraud => DrpReason::SuspectedFraud,
            RefusalReason::ManifestlyExcessive => DrpReason::TooManyRequests,
            RefusalReason::RightDoesNotApply
            | RefusalReason::ExemptionApplies
            | RefusalReason::CompellingLegitimateGrounds => DrpReason::ClaimNotCovered,
            RefusalReason::ManifestlyUnfounded => DrpReason::Other,
        }
    }
}

/// A request as the DRP status endpoint shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrpView {
    pub status: DrpStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<DrpReason>,
    pub received_at: Timestamp,
    /// The last day (UK) by which the requester can expect the next change; None once final.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_by: Option<Date>,
}

/// The DRP view of a request.
pub fn drp_view(request: &Request) -> DrpView {
    let (status, reason, expected_by) = match request.status() {
        Status::Received => (DrpStatus::Open, None, request.due_on()),
        Status::AwaitingVerification => {
            (DrpStatus::InProgress, Some(DrpReason::NeedUserVerification), request.verification_expires_on())
        }
        Status::InProgress | Status::Extended => (DrpStatus::InProgress, None, request.due_on()),
        Status::Completed => (DrpStatus::Fulfilled, None, None),
        Status::Refused(r) => (DrpStatus::Denied, Some(DrpReason::for_refusal(r)), None),
        Status::Revoked => (DrpStatus::Revoked, None, None),
        Status::Expired => (DrpStatus::Expired, None, None),
    };
    DrpView { status, reason, received_at: request.received_at(), expected_by }
}

#[cfg(test)]
mod tests;
