//! dataward-core: the pure domain of dataward.
//!
//! Layout:
//! - `audit`: the hash-chained audit log (entries, canonical hashing, chain verification).
//! - `taxonomy`: data categories, purposes, lawful bases (the vocabulary).
//! - `profile`: a deployment's policy as configuration (TOML), validated against the taxonomy.
//! - `fields`, `columns`: what partner-file columns mean and how headers are recognised.
//! - `normalise`: parse-don't-validate types for postcodes, phones, emails, dates of birth, names.
//! - `record`: turning one mapped row into a clean record or a quarantine reason.
//! - `quarantine`: the reason codes for rejected rows.
//! - `partner`: partner channels and statuses; `keys`: keyed hashes of identifiers.
//! - `policy`: release decisions per value (allow on a basis, or deny with a reason code).
//! - `lifecycle`: retention, withdrawn partners' rights-only hold, legal holds, purge reports.
//! - `breach`: breach incidents: what was exposed, the 72-hour clock, the assessment.
//! - `rights`: data-subject rights requests: kinds, state machine, deadlines, DRP view, queue order.
//! - `selection`: marketing-selection facets (birth year, postcode area/district, renewal month,
//!   lifestyle) and criteria.
//! - `screening`: preference registers (TPS, CTPS, MPS), the suppression list, list screening.
//! - `staff`: console staff: roles and the permission table, names and passwords, lock-out, TOTP.
//! - `generate`: a deterministic synthetic UK population for demos, tests and benchmarks.
//! - `linkage`: identity resolution (matching normalisation, Fellegi–Sunter model, EM, blocking,
//!   incremental clustering, query matching).
//!
//! This crate must not depend on tokio, axum, sqlx or anything that performs I/O: every function
//! here is pure and is given what it needs (including "today") by its caller.

pub mod audit;
pub mod breach;
pub mod columns;
pub mod fields;
pub mod generate;
pub mod keys;
pub mod lifecycle;
pub mod linkage;
pub mod normalise;
pub mod partner;
pub mod policy;
pub mod profile;
pub mod quarantine;
pub mod record;
pub mod rights;
pub mod screening;
pub mod selection;
pub mod staff;
pub mod taxonomy;
