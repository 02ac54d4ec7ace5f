//! The record of every check behind one decision, in precedence order, for `dataward explain`.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use super::decision::DenyReason;
use crate::taxonomy::Category;

/// One check the policy makes. Declared in precedence order: the first failing check decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    PurposeOffered,
    ContractNotExcluding,
    ContractIncludes,
    CategoryHeld,
    NotProhibited,
    MatrixCell,
    CompanionReleased,
    SourceActive,
    ConsentHolder,
    UnsubscribeRoute,
    ConsentCaptured,
    NotRestricted,
    NotSuppressed,
    NotObjected,
    ConsentNotWithdrawn,
    NotMpsRegistered,
    NotTpsRegistered,
    NotCtpsRegistered,
}

impl Check {
    /// Every check, in precedence order.
    pub const ALL: [Check; 18] = [
        Check::PurposeOffered,
        Check::ContractNotExcluding,
        Check::ContractIncludes,
        Check::CategoryHeld,
        Check::NotProhibited,
        Check::MatrixCell,
        Check::CompanionReleased,
        Check::SourceActive,
        Check::ConsentHolder,
        Check::UnsubscribeRoute,
        Check::ConsentCaptured,
        Check::NotRestricted,
        Check::NotSuppressed,
        Check::NotObjected,
        Check::ConsentNotWithdrawn,
        Check::NotMpsRegistered,
        Check::NotTpsRegistered,
        Check::NotCtpsRegistered,
    ];

    /// The reason given when this check fails.
    pub fn failure(self) -> DenyReason {
        match self {
            Check::PurposeOffered => DenyReason::PurposeNotOffered,
            Check::ContractNotExcluding => DenyReason::ContractExcludesPurpose,
            Check::ContractIncludes => DenyReason::PurposeNotContracted,
            Check::CategoryHeld => DenyReason::CategoryNotHeld,
            Check::NotProhibited => DenyReason::PurposeProhibited,
            Check::MatrixCell => DenyReason::PurposeNotPermitted,
            Check::CompanionReleased => DenyReason::CompanionNotReleased,
            Check::SourceActive => DenyReason::SourceWithdrawn,
            Check::ConsentHolder => DenyReason::NotConsentHolder,
            Check::UnsubscribeRoute => DenyReason::UnsubscribeMissing,
            Check::ConsentCaptured => DenyReason::ConsentMissing,
            Check::NotRestricted => DenyReason::SubjectRestricted,
            Check::NotSuppressed => DenyReason::Suppressed,
            Check::NotObjected => DenyReason::SubjectObjected,
            Check::ConsentNotWithdrawn => DenyReason::ConsentWithdrawn,
            Check::NotMpsRegistered => DenyReason::MpsRegistered,
            Check::NotTpsRegistered => DenyReason::TpsRegistered,
            Check::NotCtpsRegistered => DenyReason::CtpsRegistered,
        }
    }

    /// The check's snake_case name, as shown by `explain`.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::PurposeOffered => "purpose_offered",
            Check::ContractNotExcluding => "contract_not_excluding",
            Check::ContractIncludes => "contract_includes",
            Check::CategoryHeld => "category_held",
            Check::NotProhibited => "not_prohibited",
            Check::MatrixCell => "matrix_cell",
            Check::CompanionReleased => "companion_released",
            Check::SourceActive => "source_active",
            Check::ConsentHolder => "consent_holder",
            Check::UnsubscribeRoute => "unsubscribe_route",
            Check::ConsentCaptured => "consent_captured",
            Check::NotRestricted => "not_restricted",
            Check::NotSuppressed => "not_suppressed",
            Check::NotObjected => "not_objected",
            Check::ConsentNotWithdrawn => "consent_not_withdrawn",
            Check::NotMpsRegistered => "not_mps_registered",
            Check::NotTpsRegistered => "not_tps_registered",
            Check::NotCtpsRegistered => "not_ctps_registered",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// What one check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Passed,
    Failed,
    /// The check does not concern this value and purpose (e.g. TPS for `tracing`, consent for a
    /// legitimate-interests cell), or could not be made because no cell applies.
    NotApplicable,
}

impl Outcome {
    pub(super) fn of(passed: bool) -> Outcome {
        if passed { Outcome::Passed } else { Outcome::Failed }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::NotApplicable => "not_applicable",
        }
    }
}

/// Every check's outcome for one decision, and for a companion (the name) the category whose
/// cell it was released under. Holds no personal value; fixed size, no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DecisionTrace {
    outcomes: [Outcome; Check::ALL.len()],
    alongside: Option<Category>,
}

impl DecisionTrace {
    pub(super) fn new() -> DecisionTrace {
        DecisionTrace { outcomes: [Outcome::NotApplicable; Check::ALL.len()], alongside: None }
    }
    pub(super) fn set(&mut self, check: Check, outcome: Outcome) {
        self.outcomes[check.index()] = outcome;
    }
    pub(super) fn set_alongside(&mut self, category: Category) {
        self.alongside = Some(category);
    }

    /// The outcome of one check.
    pub fn outcome(&self, check: Check) -> Outcome {
        self.outcomes[check.index()]
    }

    /// Every check with its outcome, in precedence order.
    pub fn checks(&self) -> impl Iterator<Item = (Check, Outcome)> + '_ {
        Check::ALL.into_iter().map(|c| (c, self.outcome(c)))
    }

    /// Every failed check in precedence order (the first is the decision's reason).
    pub fn failures(&self) -> impl Iterator<Item = DenyReason> + '_ {
        self.checks().filter(|(_, o)| *o == Outcome::Failed).map(|(c, _)| c.failure())
    }

    /// For a companion value (the name): the released category whose cell it went out under.
    pub fn alongside(&self) -> Option<Category> {
        self.alongside
    }
}

impl std::fmt::Debug for DecisionTrace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut m = f.debug_map();
        for (check, outcome) in self.checks().filter(|(_, o)| *o != Outcome::NotApplicable) {
            m.entry(&check.as_str(), &outcome.as_str());
        }
        if let Some(c) = self.alongside {
            m.entry(&"alongside", &c.as_str());
        }
        m.finish()
    }
}

struct Checks<'a>(&'a DecisionTrace);

impl Serialize for Checks<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(Check::ALL.len()))?;
        for (check, outcome) in self.0.checks() {
            seq.serialize_element(&CheckRow { check, outcome })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct CheckRow {
    check: Check,
    outcome: Outcome,
}

/// `{"checks": [{"check": "purpose_offered", "outcome": "passed"}, ...], "alongside": null}`.
impl Serialize for DecisionTrace {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("checks", &Checks(self))?;
        m.serialize_entry("alongside", &self.alongside)?;
        m.end()
    }
}
