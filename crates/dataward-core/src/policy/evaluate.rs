//! Evaluating every check for one value and picking the first failure in precedence order.

use super::decision::{Decided, Decision};
use super::inputs::{Delivery, Request, SubjectState, ValueFacts};
use super::scope::{MarketingChannel, serves_direct_marketing};
use super::trace::{Check, DecisionTrace, Outcome};
use crate::partner::PartnerStatus;
use crate::profile::{Condition, Profile, Rule};
use crate::taxonomy::{Category, LawfulBasis};

/// Where the matrix cell for a value comes from.
pub(super) enum Cell<'p> {
    /// The value's own category × purpose cell.
    Own,
    /// A companion (the name): the cell of the released category it accompanies, if any.
    Borrowed(Option<(Category, &'p Rule)>),
}

/// Decides one value on its own. A companion category (the name) is always denied here with
/// `companion_not_released`: use [`decide_companion`](super::decide_companion) or
/// [`decide_person`](super::decide_person) for it.
pub fn decide(profile: &Profile, request: &Request<'_>, subject: &SubjectState, value: &ValueFacts<'_>) -> Decided {
    let cell = if profile.companions.contains(&value.category) { Cell::Borrowed(None) } else { Cell::Own };
    evaluate(profile, request, subject, value, cell)
}

pub(super) fn evaluate(
    profile: &Profile,
    request: &Request<'_>,
    subject: &SubjectState,
    value: &ValueFacts<'_>,
    cell: Cell<'_>,
) -> Decided {
    let purpose = request.purpose;
    let category = value.category;
    let mut trace = DecisionTrace::new();

    trace.set(Check::PurposeOffered, Outcome::of(profile.purposes.contains(&purpose)));
    trace.set(Check::ContractNotExcluding, Outcome::of(!request.contract.excludes(purpose)));
    trace.set(Check::ContractIncludes, Outcome::of(request.contract.includes(purpose)));
    trace.set(Check::CategoryHeld, Outcome::of(profile.holds(category)));
    trace.set(Check::NotProhibited, Outcome::of(profile.prohibition_for(category, purpose).is_none()));
    let rule = match cell {
        Cell::Own => {
            let rule = profile.rule_for(category, purpose);
            trace.set(Check::MatrixCell, Outcome::of(rule.is_some()));
            rule
        }
        Cell::Borrowed(borrowed) => {
            trace.set(Check::CompanionReleased, Outcome::of(borrowed.is_some()));
            borrowed.map(|(alongside, rule)| {
                trace.set_alongside(alongside);
                rule
            })
        }
    };
    trace.set(Check::SourceActive, Outcome::of(value.source.status == PartnerStatus::Active));

    // Checks that depend on the cell (its basis and conditions) apply only when there is one.
    let condition = |c: Condition, passed: bool| match rule {
        Some(r) if r.conditions.contains(&c) => Outcome::of(passed),
        _ => Outcome::NotApplicable,
    };
    let on_basis = |b: LawfulBasis, passed: bool| match rule {
        Some(r) if r.basis == b => Outcome::of(passed),
        _ => Outcome::NotApplicable,
    };
    let hosted_by_source =
        matches!(request.delivery, Delivery::HostedBy { partner } if partner == value.source.partner);
    let channel = MarketingChannel::of(purpose);
    let unsubscribed = channel.is_some_and(|c| subject.withdrawals.unsubscribed.contains(c));

    trace.set(Check::ConsentHolder, condition(Condition::ConsentHoldingPartnerOnly, hosted_by_source));
    trace.set(Check::UnsubscribeRoute, condition(Condition::UnsubscribeRequired, request.unsubscribe_route));
    trace.set(Check::ConsentCaptured, on_basis(LawfulBasis::Consent, value.source.consent_captured));
    trace.set(Check::NotRestricted, Outcome::of(!subject.restricted));
    trace.set(Check::NotSuppressed, Outcome::of(!(subject.suppressed || value.screening.suppressed)));
    trace.set(
        Check::NotObjected,
        match rule {
            None => Outcome::NotApplicable,
            Some(r) => {
                let on_li = r.basis == LawfulBasis::LegitimateInterests && subject.objection.legitimate_interests;
                let to_marketing = subject.objection.direct_marketing && serves_direct_marketing(purpose);
                let channel_opt_out = r.basis != LawfulBasis::Consent && unsubscribed;
                Outcome::of(!(on_li || to_marketing || channel_opt_out))
            }
        },
    );
    trace.set(Check::ConsentNotWithdrawn, on_basis(LawfulBasis::Consent, !(subject.withdrawals.all || unsubscribed)));
    trace.set(Check::NotMpsRegistered, condition(Condition::NotMpsRegistered, !value.screening.mps));
    trace.set(Check::NotTpsRegistered, condition(Condition::NotTpsRegistered, !value.screening.tps));
    trace.set(Check::NotCtpsRegistered, condition(Condition::NotCtpsRegistered, !value.screening.ctps));

    let decision = match (trace.failures().next(), rule) {
        (Some(reason), _) => Decision::Deny { reason },
        (None, Some(rule)) => Decision::Allow { basis: rule.basis },
        // Unreachable: without a cell, MatrixCell or CompanionReleased failed. Deny regardless.
        (None, None) => Decision::Deny { reason: Check::MatrixCell.failure() },
    };
    Decided { decision, trace }
}
