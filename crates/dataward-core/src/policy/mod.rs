//! Release decisions: may this one stored value go to this client for this purpose?
//!
//! The policy is a pure function of facts loaded beforehand: the deployment's [`Profile`](crate::profile::Profile), the
//! [`Request`] (purpose, the client's [`ClientContract`], how the data will be used), the person's
//! [`SubjectState`] and the value's [`ValueFacts`] (category, [`Source`] partner, register and
//! suppression [`Screening`]). It never sees the personal value itself, reads no clock and performs
//! no I/O. The answer is a [`Decided`]: a [`Decision`] (`Allow { basis }` or `Deny { reason }` with a
//! stable snake_case [`DenyReason`]) and a [`DecisionTrace`] listing every check, for `explain`.
//!
//! # Precedence
//! Every check is evaluated and recorded; the first failing one, in this order, is the reason:
//!
//! | # | check | deny reason |
//! |---|---|---|
//! | 1 | the profile offers the purpose | `purpose_not_offered` |
//! | 2 | the client's contract does not exclude it | `contract_excludes_purpose` |
//! | 3 | the client's contract includes it | `purpose_not_contracted` |
//! | 4 | the profile holds the category | `category_not_held` |
//! | 5 | no prohibition in the notice covers category × purpose | `purpose_prohibited` |
//! | 6 | a matrix cell allows category × purpose (non-companions) | `purpose_not_permitted` |
//! | 7 | another category of the person is released (companions: the name) | `companion_not_released` |
//! | 8 | the source partner is active | `source_withdrawn` |
//! | 9 | condition `consent_holding_partner_only`: hosted by the value's source partner | `not_consent_holder` |
//! | 10 | condition `unsubscribe_required`: the use carries an unsubscribe route | `unsubscribe_missing` |
//! | 11 | consent basis: the source partner captured consent | `consent_missing` |
//! | 12 | the subject's processing is not restricted | `subject_restricted` |
//! | 13 | neither the person nor the value is on the suppression list | `suppressed` |
//! | 14 | no objection reaches this use | `subject_objected` |
//! | 15 | consent basis: consent not withdrawn, channel not unsubscribed | `consent_withdrawn` |
//! | 16 | condition `not_mps_registered` | `mps_registered` |
//! | 17 | condition `not_tps_registered` | `tps_registered` |
//! | 18 | condition `not_ctps_registered` | `ctps_registered` |
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
