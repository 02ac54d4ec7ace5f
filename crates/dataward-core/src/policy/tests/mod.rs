//! Tests for the policy: the data-broker matrix cell by cell, person state, provenance,
//! precedence, the name rule, the other shipped profiles, and the output formats.
//!
//! Expectations are written out here from DESIGN.md's reference table and the seeds, never
//! computed from the profile file, so a wrong profile or a wrong rule makes them fail.

mod companion;
mod matrix;
mod other_profiles;
mod output;
mod precedence;
mod provenance;
mod subject;

use super::*;
use crate::partner::PartnerStatus;
use crate::profile::Profile;
use crate::taxonomy::{Category, LawfulBasis, Purpose, categories as c, purposes as p};

/// The partner that supplied the test values (and captured email-marketing consent).
const PARTNER: &str = "partner-a";
/// Another partner.
const OTHER_PARTNER: &str = "partner-b";

fn profile(name: &str) -> Profile {
    Profile::builtin(name).unwrap().unwrap()
}

fn broker() -> Profile {
    profile("data-broker")
}

/// A contract for every purpose the vocabulary knows.
fn everything() -> ClientContract {
    ClientContract::for_purposes(p::ALL.iter().copied())
}

/// A value from an active partner that captured consent, on no register or suppression list.
fn value(category: Category) -> ValueFacts<'static> {
    ValueFacts {
        category,
        source: Source { partner: PARTNER, status: PartnerStatus::Active, consent_captured: true },
        screening: Screening::default(),
    }
}

fn clean() -> SubjectState {
    SubjectState::default()
}

fn allow(basis: LawfulBasis) -> Decision {
    Decision::Allow { basis }
}

fn deny(reason: DenyReason) -> Decision {
    Decision::Deny { reason }
}

const LI: Decision = Decision::Allow { basis: LawfulBasis::LegitimateInterests };

/// One value decided for a client receiving it, under the broker profile.
fn to_client(purpose: Purpose, subject: &SubjectState, value: &ValueFacts<'_>) -> Decision {
    decide(&broker(), &Request::to_client(purpose, &everything()), subject, value).decision
}

/// One value decided for host emailing by `PARTNER`, under the broker profile.
fn hosted(purpose: Purpose, subject: &SubjectState, value: &ValueFacts<'_>) -> Decision {
    decide(&broker(), &Request::host_emailing(purpose, &everything(), PARTNER), subject, value).decision
}
