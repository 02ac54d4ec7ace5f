//! The lifecycle of held data: partner withdrawal, legal holds, and purges of records past their
//! partner's retention or their withdrawn partner's rights-only hold. The rules are
//! `dataward_core::lifecycle`; this module loads the facts, applies the outcome atomically and
//! keeps the record of it (purge runs, holds).
//!
//! - `withdraw`: a partner withdrawn at once (its values are denied `source_withdrawn` by the
//!   policy from the next request; its records stop matching client queries).
//! - `holds`: legal holds on a person or a partner, added and lifted with a reason.
//! - `purge`: the plan (dry run) and its application in one transaction.
//! - `removal`: deleting records with every trace (values, matching forms, blocking keys,
//!   facets, reviews), splitting persons they held together, removing persons left empty.
//! - `audit_hook`: the one place lifecycle and breach actions are reported for the audit log.

pub mod audit_hook;
pub mod holds;
pub mod purge;
pub(crate) mod removal;
pub mod withdraw;
