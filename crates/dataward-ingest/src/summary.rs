//! What a load did: rows read, accepted, quarantined by reason, new and known records.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// The result of one committed load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngestSummary {
    pub batch_id: String,
    pub partner: String,
    pub file_sha256: String,
    pub rows_read: u64,
    pub accepted: u64,
    pub quarantined: u64,
    pub quarantined_by_reason: BTreeMap<String, u64>,
    pub new_persons: u64,
    pub known_records: u64,
    pub removed_records: u64,
    /// Lines not stored because they carry an identifier of an erased person.
    pub erased_lines: Vec<u64>,
    pub unknown_columns: Vec<String>,
    pub ignored_columns: Vec<String>,
}

impl fmt::Display for IngestSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "batch {} for partner {} committed", self.batch_id, self.partner)?;
        writeln!(f, "  rows read          {:>10}", self.rows_read)?;
        writeln!(f, "  accepted           {:>10}", self.accepted)?;
        writeln!(f, "    new persons      {:>10}", self.new_persons)?;
        writeln!(f, "    already known    {:>10}", self.known_records)?;
        writeln!(f, "  quarantined        {:>10}", self.quarantined)?;
        for (reason, n) in &self.quarantined_by_reason {
            writeln!(f, "    {reason:<22}{n:>6}")?;
        }
        if !self.erased_lines.is_empty() {
            let lines: Vec<String> = self.erased_lines.iter().map(u64::to_string).collect();
            writeln!(f, "  not stored: erased persons' identifiers on lines {}", lines.join(", "))?;
        }
        if self.removed_records > 0 {
            writeln!(f, "  earlier records removed by refresh {}", self.removed_records)?;
        }
        if !self.unknown_columns.is_empty() {
            writeln!(f, "  unknown columns (not kept): {}", self.unknown_columns.join(", "))?;
        }
        if !self.ignored_columns.is_empty() {
            writeln!(f, "  ignored by mapping: {}", self.ignored_columns.join(", "))?;
        }
        write!(f, "  sha256 {}", self.file_sha256)
    }
}
