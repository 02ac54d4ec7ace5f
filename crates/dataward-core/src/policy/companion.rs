//! The name rule: a companion category (the name) is released wherever another category of the
//! same person is released, on that category's basis and conditions, and never alone.

use super::decision::{Decided, Decision};
use super::evaluate::{Cell, decide, evaluate};
use super::inputs::{Request, SubjectState, ValueFacts};
use crate::profile::Profile;
use crate::taxonomy::Category;

/// Decides a companion value (the name) given the decisions already made for the person's other
/// values, as (category, decision) pairs. The companion borrows the cell of each released
/// category in turn (its basis and conditions, checked against the companion's own source and
/// screening) and goes out under the first that passes; if none was released, or none passes, it
/// is withheld (with the first attempt's reason, or `companion_not_released`).
pub fn decide_companion(
    profile: &Profile,
    request: &Request<'_>,
    subject: &SubjectState,
    companion: &ValueFacts<'_>,
    others: &[(Category, Decision)],
) -> Decided {
    let mut first: Option<Decided> = None;
    for (category, decision) in others {
        if !decision.is_allow() || profile.companions.contains(category) {
            continue;
        }
        let Some(rule) = profile.rule_for(*category, request.purpose) else { continue };
        let decided = evaluate(profile, request, subject, companion, Cell::Borrowed(Some((*category, rule))));
        if decided.decision.is_allow() {
            return decided;
        }
        first.get_or_insert(decided);
    }
    first.unwrap_or_else(|| evaluate(profile, request, subject, companion, Cell::Borrowed(None)))
}

/// Decides every value of one person for one request, in input order: first each non-companion
/// value on its own cell, then each companion (the name) alongside the released ones.
pub fn decide_person(
    profile: &Profile,
    request: &Request<'_>,
    subject: &SubjectState,
    values: &[ValueFacts<'_>],
) -> Vec<Decided> {
    let is_companion = |v: &ValueFacts<'_>| profile.companions.contains(&v.category);
    let mut decided: Vec<Option<Decided>> =
        values.iter().map(|v| (!is_companion(v)).then(|| decide(profile, request, subject, v))).collect();
    let others: Vec<(Category, Decision)> =
        values.iter().zip(&decided).filter_map(|(v, d)| d.as_ref().map(|d| (v.category, d.decision))).collect();
    for (value, slot) in values.iter().zip(decided.iter_mut()) {
        if slot.is_none() {
            *slot = Some(decide_companion(profile, request, subject, value, &others));
        }
    }
    decided.into_iter().flatten().collect()
}
