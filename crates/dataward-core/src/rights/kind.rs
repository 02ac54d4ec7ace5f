//! What a data subject asks for: the request's id and kind (the right being exercised).
//!
//! A request holds ids and names only. What to rectify, the requester's contact details and the
//! persons matched to them live elsewhere (the store), so nothing here can leak personal data
//! through `Debug`.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::taxonomy::Purpose;

/// A rights request's id (assigned by the store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RequestId(pub u64);

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{:06}", self.0)
    }
}

/// What an objection covers (UK GDPR Art. 21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionScope {
    /// Every use on the basis of legitimate interests (Art. 21(1)); the controller may show
    /// compelling legitimate grounds that override it.
    AllLegitimateInterests,
    /// Direct marketing only (Art. 21(2)): absolute, it can never be refused on its merits.
    DirectMarketing,
}

/// What a consent withdrawal covers (Art. 7(3)).
///
/// A marketing channel is a purpose in dataward's vocabulary (`marketing.email`, `marketing.sms`,
/// ...), so "per channel or purpose" is one `Purpose`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "scope", content = "purpose")]
pub enum ConsentScope {
    /// Every use that rests on consent.
    AllConsent,
    /// One purpose (or marketing channel).
    Purpose(Purpose),
}

impl ConsentScope {
    /// Whether withdrawing this scope stops consent-based use for `purpose`.
    pub fn covers(self, purpose: Purpose) -> bool {
        match self {
            ConsentScope::AllConsent => true,
            ConsentScope::Purpose(p) => p == purpose,
        }
    }
}

/// The right a request exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum RequestKind {
    /// Art. 15: a copy of the data, its sources, purposes, recipients and retention.
    Access,
    /// Art. 20: the data the person provided, machine-readable.
    Portability,
    /// Art. 16: correct or complete data (the corrections themselves are stored elsewhere).
    Rectification,
    /// Art. 17: erase the data and suppress it against re-ingestion.
    Erasure,
    /// Art. 18: keep the data but release it for nothing.
    Restriction,
    /// The requester asks for their own restriction to be lifted.
    LiftRestriction,
    /// Art. 21.
    Objection { scope: ObjectionScope },
    /// Art. 7(3).
    ConsentWithdrawal { scope: ConsentScope },
}

impl RequestKind {
    /// The kind's tag, for storage and display (the scope is stored beside it).
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Access => "access",
            RequestKind::Portability => "portability",
            RequestKind::Rectification => "rectification",
            RequestKind::Erasure => "erasure",
            RequestKind::Restriction => "restriction",
            RequestKind::LiftRestriction => "lift_restriction",
            RequestKind::Objection { .. } => "objection",
            RequestKind::ConsentWithdrawal { .. } => "consent_withdrawal",
        }
    }

    /// Rights that are absolute: an objection to direct marketing and a consent withdrawal. Their
    /// merits are never weighed; see [`RefusalReason::allowed_for`](super::RefusalReason::allowed_for).
    pub fn is_absolute(self) -> bool {
        matches!(
            self,
            RequestKind::Objection { scope: ObjectionScope::DirectMarketing } | RequestKind::ConsentWithdrawal { .. }
        )
    }
}

#[cfg(test)]
mod stored_form_tests {
    use super::*;
    use crate::rights::{Event, ExtensionGround, ExtensionReason, RefusalReason};
    use crate::taxonomy::purposes;

    #[test]
    fn every_kind_and_event_survives_the_json_it_is_stored_as() {
        let kinds = [
            RequestKind::Access,
            RequestKind::Portability,
            RequestKind::Rectification,
            RequestKind::Erasure,
            RequestKind::Restriction,
            RequestKind::LiftRestriction,
            RequestKind::Objection { scope: ObjectionScope::DirectMarketing },
            RequestKind::Objection { scope: ObjectionScope::AllLegitimateInterests },
            RequestKind::ConsentWithdrawal { scope: ConsentScope::AllConsent },
            RequestKind::ConsentWithdrawal { scope: ConsentScope::Purpose(purposes::MARKETING_SMS) },
        ];
        for kind in kinds {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(serde_json::from_str::<RequestKind>(&json).unwrap(), kind, "{json}");
        }
        let events = [
            Event::RequireVerification,
            Event::Verified,
            Event::Extend { months: 2, reason: ExtensionReason::new(ExtensionGround::Complex, "many sources") },
            Event::Refuse { reason: RefusalReason::ManifestlyExcessive },
            Event::Complete,
        ];
        for event in events {
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event, "{json}");
        }
        assert!(
            serde_json::from_str::<RequestKind>(
                r#"{"type":"consent_withdrawal","scope":{"scope":"purpose","purpose":"astrology"}}"#
            )
            .is_err()
        );
    }
}
