//! The answer of the policy: allow on a lawful basis, or deny with a stable reason code.

use serde::Serialize;

use super::trace::DecisionTrace;
use crate::taxonomy::LawfulBasis;

/// Whether one value may be released, and on what basis or why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    Allow { basis: LawfulBasis },
    Deny { reason: DenyReason },
}

impl Decision {
    pub fn is_allow(self) -> bool {
        matches!(self, Decision::Allow { .. })
    }
    /// The basis of an allowed release.
    pub fn basis(self) -> Option<LawfulBasis> {
        match self {
            Decision::Allow { basis } => Some(basis),
            Decision::Deny { .. } => None,
        }
    }
    /// The reason of a denial.
    pub fn reason(self) -> Option<DenyReason> {
        match self {
            Decision::Allow { .. } => None,
            Decision::Deny { reason } => Some(reason),
        }
    }
}

/// Why a value was withheld. The snake_case codes are part of the client API: never rename one.
/// Variants are listed in precedence order (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    /// The deployment's profile does not offer this purpose at all.
    PurposeNotOffered,
    /// The client's contract explicitly excludes this purpose.
    ContractExcludesPurpose,
    /// The client's contract does not include this purpose.
    PurposeNotContracted,
    /// The profile does not hold this category.
    CategoryNotHeld,
    /// The privacy notice explicitly forbids this category for this purpose.
    PurposeProhibited,
    /// The category × purpose matrix has no cell for this pair.
    PurposeNotPermitted,
    /// A companion category (the name) goes out only with another released category; none was.
    CompanionNotReleased,
    /// The source partner withdrew or stopped working with the operator (held for rights only).
    SourceWithdrawn,
    /// Only the partner that holds the consent may use it (host emailing), and this use is not its.
    NotConsentHolder,
    /// The use must carry an unsubscribe route and the request does not declare one.
    UnsubscribeMissing,
    /// The basis is consent and the source partner did not capture it.
    ConsentMissing,
    /// The person asked for processing to be restricted.
    SubjectRestricted,
    /// The person or this value is on the operator's suppression list (opt-out or erasure).
    Suppressed,
    /// The person objected to this use (legitimate interests, or direct marketing).
    SubjectObjected,
    /// The person withdrew consent or unsubscribed from this channel.
    ConsentWithdrawn,
    /// The name and address are on the Mail Preference Service.
    MpsRegistered,
    /// The number is on the Telephone Preference Service.
    TpsRegistered,
    /// The number is on the Corporate Telephone Preference Service.
    CtpsRegistered,
}

impl DenyReason {
    pub const ALL: [DenyReason; 18] = [
        DenyReason::PurposeNotOffered,
        DenyReason::ContractExcludesPurpose,
        DenyReason::PurposeNotContracted,
        DenyReason::CategoryNotHeld,
        DenyReason::PurposeProhibited,
        DenyReason::PurposeNotPermitted,
        DenyReason::CompanionNotReleased,
        DenyReason::SourceWithdrawn,
        DenyReason::NotConsentHolder,
        DenyReason::UnsubscribeMissing,
        DenyReason::ConsentMissing,
        DenyReason::SubjectRestricted,
        DenyReason::Suppressed,
        DenyReason::SubjectObjected,
        DenyReason::ConsentWithdrawn,
        DenyReason::MpsRegistered,
        DenyReason::TpsRegistered,
        DenyReason::CtpsRegistered,
    ];

    /// The stable reason code.
    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::PurposeNotOffered => "purpose_not_offered",
            DenyReason::ContractExcludesPurpose => "contract_excludes_purpose",
            DenyReason::PurposeNotContracted => "purpose_not_contracted",
            DenyReason::CategoryNotHeld => "category_not_held",
            DenyReason::PurposeProhibited => "purpose_prohibited",
            DenyReason::PurposeNotPermitted => "purpose_not_permitted",
            DenyReason::CompanionNotReleased => "companion_not_released",
            DenyReason::SourceWithdrawn => "source_withdrawn",
            DenyReason::NotConsentHolder => "not_consent_holder",
            DenyReason::UnsubscribeMissing => "unsubscribe_missing",
            DenyReason::ConsentMissing => "consent_missing",
            DenyReason::SubjectRestricted => "subject_restricted",
            DenyReason::Suppressed => "suppressed",
            DenyReason::SubjectObjected => "subject_objected",
            DenyReason::ConsentWithdrawn => "consent_withdrawn",
            DenyReason::MpsRegistered => "mps_registered",
            DenyReason::TpsRegistered => "tps_registered",
            DenyReason::CtpsRegistered => "ctps_registered",
        }
    }

    /// The reason with this code, e.g. when reading a past decision back from the ledger.
    pub fn parse(code: &str) -> Option<DenyReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == code)
    }
}

impl std::fmt::Display for DenyReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A decision with the checks that led to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decided {
    pub decision: Decision,
    pub trace: DecisionTrace,
}
