//! Release decisions: may this one stored value go to this client for this purpose?
//!
//! The policy is a pure function of facts loaded beforehand: the deployment's
//! [`Profile`](crate::profile::Profile), the [`Request`] (purpose, the client's [`ClientContract`],
//! how the data will be used), the person's [`SubjectState`] and the value's [`ValueFacts`]
//! (category, [`Source`] partner, register and suppression [`Screening`]). It never sees the
//! personal value itself, reads no clock and performs no I/O. The answer is a [`Decided`]: a
//! [`Decision`] (`Allow { basis }` or `Deny { reason }` with a stable snake_case [`DenyReason`])
//! and a [`DecisionTrace`] listing every check, for `explain`.
//!
//! ```
//! use dataward_core::partner::PartnerStatus;
//! use dataward_core::policy::*;
//! use dataward_core::profile::Profile;
//! use dataward_core::taxonomy::{LawfulBasis, categories, purposes};
//!
//! let profile = Profile::builtin("data-broker").unwrap().unwrap();
//! let contract = ClientContract::for_purposes([purposes::DEBT_RECOVERY, purposes::MARKETING_LIVE_CALL]);
//! let phone = ValueFacts {
//!     category: categories::PHONE,
//!     source: Source { partner: "p-1", status: PartnerStatus::Active, consent_captured: false },
//!     screening: Screening { tps: true, ..Screening::default() },
//! };
//! let person = SubjectState::default();
//! let call = Request::to_client(purposes::MARKETING_LIVE_CALL, &contract);
//! let debt = Request::to_client(purposes::DEBT_RECOVERY, &contract);
//! assert_eq!(decide(&profile, &call, &person, &phone).decision, Decision::Deny { reason: DenyReason::TpsRegistered });
//! assert_eq!(
//!     decide(&profile, &debt, &person, &phone).decision,
//!     Decision::Allow { basis: LawfulBasis::LegitimateInterests }
//! );
//! ```
//!
//! # Precedence
//! Every check is evaluated and recorded; the first failing one, in this order, is the reason:
//!
//! | # | check (trace name) | passes when | deny reason |
//! |---|---|---|---|
//! | 1 | `purpose_offered` | the profile offers the purpose | `purpose_not_offered` |
//! | 2 | `contract_not_excluding` | the client's contract does not exclude it | `contract_excludes_purpose` |
//! | 3 | `contract_includes` | the client's contract includes it | `purpose_not_contracted` |
//! | 4 | `category_held` | the profile holds the category | `category_not_held` |
//! | 5 | `not_prohibited` | no prohibition of the notice covers category × purpose | `purpose_prohibited` |
//! | 6 | `matrix_cell` | a cell allows category × purpose (non-companions) | `purpose_not_permitted` |
//! | 7 | `companion_released` | another category of the person is released (the name) | `companion_not_released` |
//! | 8 | `source_active` | the source partner is active | `source_withdrawn` |
//! | 9 | `consent_holder` | `consent_holding_partner_only`: hosted by the source partner | `not_consent_holder` |
//! | 10 | `unsubscribe_route` | `unsubscribe_required`: the use carries an unsubscribe route | `unsubscribe_missing` |
//! | 11 | `consent_captured` | consent basis: the source partner captured consent | `consent_missing` |
//! | 12 | `not_restricted` | the subject's processing is not restricted | `subject_restricted` |
//! | 13 | `not_suppressed` | neither the person nor the value is on the suppression list | `suppressed` |
//! | 14 | `not_objected` | no objection or channel opt-out reaches this use | `subject_objected` |
//! | 15 | `consent_not_withdrawn` | consent basis: consent kept, channel not unsubscribed | `consent_withdrawn` |
//! | 16 | `not_mps_registered` | `not_mps_registered`: address not on the MPS | `mps_registered` |
//! | 17 | `not_tps_registered` | `not_tps_registered`: number not on the TPS | `tps_registered` |
//! | 18 | `not_ctps_registered` | `not_ctps_registered`: number not on the CTPS | `ctps_registered` |
//!
//! A check that does not concern the cell (TPS for `tracing`, consent for a legitimate-interests
//! cell) is recorded as `not_applicable`.
//!
//! Request-level reasons (1–7) come first: a value that could never be released for this purpose to
//! this client says so whatever the person's state, so clients learn nothing about the person from
//! them. Then facts about the data's source and the shape of the use (8–11), then the person's
//! choices (12–15), then the preference registers (16–18), which are conditions of single cells.
//!
//! # Who is stopped by what
//! - Restricted subject, suppression hit, withdrawn partner: nothing is released.
//! - An objection to legitimate interests stops every use on that basis (and no other basis).
//! - An objection to direct marketing stops the direct-marketing purposes on any basis
//!   ([`serves_direct_marketing`]); an unsubscribe from one channel stops that channel's purpose.
//! - Consent withdrawal (all, or per channel) stops consent-based uses only.
//! - MPS stops only cells with `not_mps_registered` (postal marketing); TPS and CTPS only cells with
//!   `not_tps_registered` / `not_ctps_registered` (live-call marketing).
//!
//! # The name rule
//! Categories listed as the profile's `companions` (the name) have no matrix cells of their own: a
//! companion value is released only alongside another released category of the same person, on
//! that category's basis and under that category's conditions, and it still passes its own checks
//! (its source partner, the person's state). See [`decide_companion`] and [`decide_person`].

mod companion;
mod decision;
mod evaluate;
mod inputs;
mod scope;
mod trace;

pub use companion::{decide_companion, decide_person};
pub use decision::{Decided, Decision, DenyReason};
pub use evaluate::decide;
pub use inputs::{
    ClientContract, Delivery, Objection, Request, Screening, Source, SubjectState, ValueFacts, Withdrawals,
};
pub use scope::{ChannelSet, MarketingChannel, serves_direct_marketing};
pub use trace::{Check, DecisionTrace, Outcome};

#[cfg(test)]
mod tests;
