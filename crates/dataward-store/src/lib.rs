//! dataward-store: where dataward keeps its data.
//!
//! Layout:
//! - `store`: opening a store (SQLite by default, PostgreSQL by URL), migrations, the backend.
//! - `codec`: the one value codec every personal value is written and read through
//!   (XChaCha20-Poly1305 under a data key).
//! - `master_key`, `keys`: the master key, data keys per source record grouped under the person,
//!   crypto-erasure (`destroy_person_keys_in`) and master-key rotation.
//! - `region`: the storage region recorded in the store and checked against the profile.
//! - `audit`: the hash-chained audit log (`Store::append_audit`, `append_audit_in`, `verify_audit`).
//! - `api_keys`: partner and client API keys (shown once, stored as Argon2 hashes).
//! - `partners`, `clients`: the sources and recipients of data.
//! - `ingest_tx`: one partner file as one atomic batch (records, values, quarantine), linked into persons.
//! - `deferred_indexes`: digest indexes a batch into a small SQLite store drops and builds
//!   again before it commits (one sorted build instead of random inserts).
//! - `ingest_rows`: the rows a batch's linked records are stored as, built on a blocking thread
//!   while the batch's connection inserts the groups already built.
//! - `linkage`: identity resolution against the store (matching forms, blocking keys, the
//!   model, merges and splits, queries, reviews).
//! - `release`: values with provenance for the policy, and the atomic record of a client
//!   request (decisions and disclosure ledger).
//! - `release_queue`: group commit of recorded client requests (one transaction for those
//!   recorded at the same moment; each answer still waits for its rows' commit).
//! - `rights`: data-subject requests (stored with their event history), one-time codes, the
//!   rights flags on a person's records, erasure and rectification, downloads, the outbox.
//! - `lifecycle`: partner withdrawal, legal holds, purges (retention, withdrawn partners'
//!   rights-only hold) removing every trace atomically.
//! - `breaches`: breach incidents and the values they exposed (from provenance and the ledger).
//! - `jobs`: client batch jobs (queued, claimed, progress, result through the codec).
//! - `reads`: read-side queries (persons, values, batches, quarantine).
//! - `registers`: preference-register loads (full or delta, atomic) and their screening sets.
//! - `staff`, `staff_sessions`: console staff (Argon2id passwords, TOTP, lock-out) and their
//!   sessions (tokens kept only as SHA-256 digests, each with its CSRF token).
//! - `suppressions`: the operator's suppression list (digests, reasons, scopes).
//! - `write_tx`: write transactions (on SQLite, one writer of the process at a time, in order).
//! - `sql`: small helpers for portable SQL (placeholders, multi-row inserts).
//! - `direct`, `exec`, `row`: on a SQLite file store, a client request's reads and its
//!   recording run in place on the calling thread instead of through sqlx's connection worker
//!   thread; statements and rows of either path go through the same code.
//!
//! SQL is written once in the dialect both engines accept (`$n` parameters, `ON CONFLICT`,
//! `RETURNING`) and runs through sqlx's `Any` driver (a client request's statements on a SQLite
//! file store: the same text through `direct`); per-backend code is limited to the migration
//! folders and connection setup. Personal values are never compared or indexed in clear: lookups go
//! through HMAC digests from `dataward_core::keys::Indexer`.
//! This crate knows nothing about HTTP or the command line.

pub mod api_keys;
pub mod audit;
mod batch_writes;
pub mod breaches;
mod checkpoint;
pub mod clients;
pub mod codec;
pub mod decision_checks;
mod decisions_codec;
mod deferred_indexes;
mod direct;
pub mod error;
mod exec;
mod held_block_keys;
mod held_forms;
mod ingest_rows;
pub mod ingest_tx;
pub mod jobs;
pub mod keys;
pub mod lifecycle;
pub mod linkage;
mod lookup;
pub mod master_key;
pub mod partners;
pub mod reads;
pub mod region;
pub mod registers;
pub mod release;
mod release_queue;
mod release_statement;
pub mod rights;
mod row;
mod settle;
mod sql;
pub mod staff;
pub mod staff_sessions;
pub mod store;
pub mod suppressions;
pub mod testing;
mod write_tx;

pub use error::StoreError;
pub use master_key::MasterKey;
pub use store::{Backend, Store};
