//! Where a request stands, and the reasons a request may be refused or extended.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::kind::{ObjectionScope, RequestKind};

/// A request's status. `Completed`, `Refused`, `Revoked` and `Expired` are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "reason")]
pub enum Status {
    /// Logged; nobody has decided yet whether identity must be verified. The clock is running from
    /// receipt (it stops if verification turns out to be needed).
    Received,
    /// The requester has been asked to prove their identity; the clock has not started.
    AwaitingVerification,
    /// Being worked on; the clock is running.
    InProgress,
    /// Being worked on, with the deadline extended (see [`Extension`](super::Extension)).
    Extended,
    /// Answered: the right has been given effect.
    Completed,
    /// Refused, with the reason the requester is told.
    Refused(RefusalReason),
    /// Withdrawn by the requester.
    Revoked,
    /// Identity was never verified within [`VERIFICATION_WINDOW_DAYS`](super::VERIFICATION_WINDOW_DAYS).
    Expired,
}

impl Status {
    /// The status's name, for storage, history and display.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::AwaitingVerification => "awaiting_verification",
            Status::InProgress => "in_progress",
            Status::Extended => "extended",
            Status::Completed => "completed",
            Status::Refused(_) => "refused",
            Status::Revoked => "revoked",
            Status::Expired => "expired",
        }
    }

    /// Whether nothing further can happen to the request.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Completed | Status::Refused(_) | Status::Revoked | Status::Expired)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Status::Refused(reason) => write!(f, "refused ({})", reason.as_str()),
            other => f.write_str(other.as_str()),
        }
    }
}

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    /// The requester's proof of identity did not establish who they are.
    IdentityNotConfirmed,
    /// The request is believed to be made by someone impersonating the data subject.
    SuspectedFraud,
    /// Art. 12(5): manifestly unfounded (e.g. made only to disrupt).
    ManifestlyUnfounded,
    /// Art. 12(5): manifestly excessive (e.g. repeating a request just answered).
    ManifestlyExcessive,
    /// The right does not apply to this processing (e.g. portability of data not processed on
    /// consent or contract; erasure where no Art. 17(1) ground holds; rectification of accurate data).
    RightDoesNotApply,
    /// An exemption applies (Art. 17(3), DPA 2018 Schedules 2–4: legal obligation, legal claims, ...).
    ExemptionApplies,
    /// Art. 21(1): compelling legitimate grounds override an objection to legitimate-interests use.
    CompellingLegitimateGrounds,
}

impl RefusalReason {
    pub const ALL: [RefusalReason; 7] = [
        RefusalReason::IdentityNotConfirmed,
        RefusalReason::SuspectedFraud,
        RefusalReason::ManifestlyUnfounded,
        RefusalReason::ManifestlyExcessive,
        RefusalReason::RightDoesNotApply,
        RefusalReason::ExemptionApplies,
        RefusalReason::CompellingLegitimateGrounds,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RefusalReason::IdentityNotConfirmed => "identity_not_confirmed",
            RefusalReason::SuspectedFraud => "suspected_fraud",
            RefusalReason::ManifestlyUnfounded => "manifestly_unfounded",
            RefusalReason::ManifestlyExcessive => "manifestly_excessive",
            RefusalReason::RightDoesNotApply => "right_does_not_apply",
            RefusalReason::ExemptionApplies => "exemption_applies",
            RefusalReason::CompellingLegitimateGrounds => "compelling_legitimate_grounds",
        }
    }

    pub fn parse(name: &str) -> Option<RefusalReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == name)
    }

    /// Whether this reason may refuse a request of `kind`.
    ///
    /// - Absolute rights (an objection to direct marketing, a consent withdrawal) are refused only
    ///   when the requester is not who they claim to be: dataward never weighs their merits, since
    ///   honouring them costs a suppression entry. This is stricter than Art. 12(5) requires.
    /// - Access always applies, so it is never refused as a right that does not apply.
    /// - Compelling legitimate grounds answer only an objection to legitimate-interests use.
    pub fn allowed_for(self, kind: RequestKind) -> bool {
        match self {
            RefusalReason::IdentityNotConfirmed | RefusalReason::SuspectedFraud => true,
            _ if kind.is_absolute() => false,
            RefusalReason::ManifestlyUnfounded | RefusalReason::ManifestlyExcessive => true,
            RefusalReason::ExemptionApplies => true,
            RefusalReason::RightDoesNotApply => kind != RequestKind::Access,
            RefusalReason::CompellingLegitimateGrounds => {
                kind == RequestKind::Objection { scope: ObjectionScope::AllLegitimateInterests }
            }
        }
    }
}

/// The ground for extending the deadline (Art. 12(3): complexity or number of requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExtensionGround {
    /// The request is complex (e.g. data across many source partners, third-party data to redact).
    Complex,
    /// The requester has made a number of requests.
    NumerousRequests,
}

impl ExtensionGround {
    pub fn as_str(self) -> &'static str {
        match self {
            ExtensionGround::Complex => "complex",
            ExtensionGround::NumerousRequests => "numerous_requests",
        }
    }
}

/// Why a deadline is extended: the ground, and the explanation the requester is sent.
///
/// The explanation is the DPO's own words and may mention the requester, so `Debug` shows only
/// its length.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExtensionReason {
    pub ground: ExtensionGround,
    pub explanation: String,
}

impl ExtensionReason {
    pub fn new(ground: ExtensionGround, explanation: impl Into<String>) -> ExtensionReason {
        ExtensionReason { ground, explanation: explanation.into() }
    }

    /// Whether there is an explanation to send (not empty or blank).
    pub fn is_given(&self) -> bool {
        !self.explanation.trim().is_empty()
    }
}

impl fmt::Debug for ExtensionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExtensionReason")
            .field("ground", &self.ground)
            .field("explanation", &format_args!("<{} chars>", self.explanation.chars().count()))
            .finish()
    }
}
