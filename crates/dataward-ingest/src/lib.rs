//! dataward-ingest: loading a partner file into the store as one atomic batch.
//!
//! Layout:
//! - `format`: which file formats are read (CSV, JSON Lines) and how they are recognised.
//! - `reader`: streams a file into mapped rows with physical line numbers, quarantining rows that
//!   are structurally broken (wrong field count, malformed JSON, invalid UTF-8).
//! - `pipeline`: runs the reader and the pure row cleaner on a blocking thread, hands bounded
//!   chunks to the store over a small channel, and commits only when the whole file was read.
//! - `summary`: what a load did, for people and for machines.
//!
//! Memory is bounded by the chunk size times the channel depth, whatever the file size.

pub mod format;
pub mod pipeline;
pub mod reader;
pub mod summary;

pub use format::Format;
pub use pipeline::{Fault, IngestError, IngestRequest, Progress, ingest_file};
pub use summary::IngestSummary;
