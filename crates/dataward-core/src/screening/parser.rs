//! Reading a register file record by record: header handling, counting, keyed digests.
//!
//! The caller splits the file into records (a line's comma-separated fields; CSV for MPS) and
//! feeds them in with their line numbers. Each usable record comes back as a `Change` holding
//! only a keyed digest; each unusable one is counted and, for the first few, kept with its line
//! number and reason in the `LoadReport`. Nothing is dropped without being counted.

use serde::Serialize;

use crate::keys::{Digest, Indexer};

use super::entries::{Action, EntryError, MissingColumn, MpsColumns, number_line};
use super::keys::digest;
use super::vocabulary::{LoadMode, RegisterKind};

/// How many rejected lines a report lists individually.
pub const MAX_LISTED_REJECTIONS: usize = 10;

/// One register change, already digested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub action: Action,
    pub digest: Digest,
}

/// A rejected line and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    pub line: u64,
    pub reason: String,
}

/// What reading a register file found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoadReport {
    /// Data records read (the header is not counted).
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Accepted records that add an entry, and that remove one (delta files).
    pub additions: u64,
    pub removals: u64,
    /// Whether a header line was recognised and skipped.
    pub header: bool,
    /// The first rejected lines, at most `MAX_LISTED_REJECTIONS`.
    pub first_rejections: Vec<Rejection>,
}

impl LoadReport {
    fn reject(&mut self, line: u64, error: EntryError) {
        self.rejected += 1;
        if self.first_rejections.len() < MAX_LISTED_REJECTIONS {
            self.first_rejections.push(Rejection { line, reason: error.to_string() });
        }
    }
}

/// A header that makes the whole file unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {error}")]
pub struct HeaderError {
    pub line: u64,
    pub error: MissingColumn,
}

enum State {
    /// Numbers: the first record may be a header.
    NumbersStart,
    Numbers,
    /// MPS: the first record must be the header.
    MpsStart,
    Mps(MpsColumns),
}

/// Turns a register file's records into digested changes and a report.
pub struct RegisterParser<'i> {
    kind: RegisterKind,
    delta: bool,
    indexer: &'i Indexer,
    state: State,
    report: LoadReport,
}

impl<'i> RegisterParser<'i> {
    pub fn new(kind: RegisterKind, mode: LoadMode, indexer: &'i Indexer) -> RegisterParser<'i> {
        let state = match kind {
            RegisterKind::Tps | RegisterKind::Ctps => State::NumbersStart,
            RegisterKind::Mps => State::MpsStart,
        };
        RegisterParser { kind, delta: mode == LoadMode::Delta, indexer, state, report: LoadReport::default() }
    }

    /// Reads one record (`line` is its 1-based line number). Blank records are ignored.
    pub fn record(&mut self, line: u64, fields: &[&str]) -> Result<Option<Change>, HeaderError> {
        if fields.iter().all(|f| f.trim().is_empty()) {
            return Ok(None);
        }
        let entry = match &self.state {
            State::NumbersStart if !fields.iter().any(|f| f.bytes().any(|b| b.is_ascii_digit())) => {
                self.report.header = true;
                self.state = State::Numbers;
                return Ok(None);
            }
            State::NumbersStart | State::Numbers => {
                self.state = State::Numbers;
                number_line(fields, self.delta)
            }
            State::MpsStart => {
                let columns =
                    MpsColumns::from_header(fields, self.delta).map_err(|error| HeaderError { line, error })?;
                self.report.header = true;
                self.state = State::Mps(columns);
                return Ok(None);
            }
            State::Mps(columns) => columns.entry(fields),
        };
        self.report.read += 1;
        match entry {
            Ok((action, key)) => {
                self.report.accepted += 1;
                match action {
                    Action::Add => self.report.additions += 1,
                    Action::Remove => self.report.removals += 1,
                }
                Ok(Some(Change { action, digest: digest(self.indexer, self.kind.identifier(), &key) }))
            }
            Err(error) => {
                self.report.reject(line, error);
                Ok(None)
            }
        }
    }

    /// Counts a record the caller could not even split into fields (bad encoding, broken
    /// quoting) as read and rejected, with the caller's reason.
    pub fn unreadable(&mut self, line: u64, reason: &str) {
        self.report.read += 1;
        self.report.rejected += 1;
        if self.report.first_rejections.len() < MAX_LISTED_REJECTIONS {
            self.report.first_rejections.push(Rejection { line, reason: reason.to_string() });
        }
    }

    /// The counts so far.
    pub fn report(&self) -> &LoadReport {
        &self.report
    }

    pub fn into_report(self) -> LoadReport {
        self.report
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screening::keys::digest as key_digest;
    use crate::screening::vocabulary::IdentifierKind;

    fn indexer() -> Indexer {
        Indexer::new(&[9u8; 32]).unwrap()
    }

    fn feed(parser: &mut RegisterParser<'_>, lines: &[&str]) -> Vec<Change> {
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let fields: Vec<&str> = line.split(',').collect();
            out.extend(parser.record(i as u64 + 1, &fields).unwrap());
        }
        out
    }

    #[test]
    fn a_tps_file_skips_its_header_and_reports_bad_lines_by_number() {
        let ix = indexer();
        let mut p = RegisterParser::new(RegisterKind::Tps, LoadMode::Full, &ix);
        let changes = feed(&mut p, &["telephone_number", "01632960123", "", "0163296012x", "+44 1632 960124", "12"]);
        let r = p.into_report();
        assert!(r.header);
        assert_eq!((r.read, r.accepted, r.rejected, r.additions), (4, 2, 2, 2));
        assert_eq!(r.first_rejections.iter().map(|x| x.line).collect::<Vec<_>>(), [4, 6]);
        assert!(r.first_rejections[0].reason.contains("only digits"));
        assert_eq!(changes[0].digest, key_digest(&ix, IdentifierKind::Phone, "+441632960123"));
        assert!(changes.iter().all(|c| c.action == Action::Add));
    }

    #[test]
    fn a_later_line_without_digits_is_rejected_not_taken_for_a_header() {
        let ix = indexer();
        let mut p = RegisterParser::new(RegisterKind::Ctps, LoadMode::Full, &ix);
        feed(&mut p, &["01632960123", "number"]);
        let r = p.into_report();
        assert!(!r.header);
        assert_eq!((r.accepted, r.rejected), (1, 1));
        assert_eq!(r.first_rejections[0].line, 2);
    }

    #[test]
    fn a_delta_file_counts_additions_and_removals() {
        let ix = indexer();
        let mut p = RegisterParser::new(RegisterKind::Tps, LoadMode::Delta, &ix);
        let changes = feed(&mut p, &["action,number", "add,01632960123", "remove,01632960124", "01632960125"]);
        let r = p.into_report();
        assert_eq!((r.additions, r.removals, r.rejected), (1, 1, 1));
        assert_eq!(changes.iter().map(|c| c.action).collect::<Vec<_>>(), [Action::Add, Action::Remove]);
    }

    #[test]
    fn only_the_first_ten_rejections_are_listed_but_all_are_counted() {
        let ix = indexer();
        let mut p = RegisterParser::new(RegisterKind::Tps, LoadMode::Full, &ix);
        let bad: Vec<&str> = std::iter::repeat_n("123", 25).collect();
        feed(&mut p, &bad);
        let r = p.into_report();
        assert_eq!(r.rejected, 25);
        assert_eq!(r.first_rejections.len(), MAX_LISTED_REJECTIONS);
    }

    #[test]
    fn an_mps_file_without_a_usable_header_fails_at_line_one() {
        let ix = indexer();
        let mut p = RegisterParser::new(RegisterKind::Mps, LoadMode::Full, &ix);
        let err = p.record(1, &["name", "street"]).unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.to_string().contains("surname"), "{err}");
    }

    #[test]
    fn an_mps_file_gives_name_and_address_digests() {
        let ix = indexer();
        let mut p = RegisterParser::new(RegisterKind::Mps, LoadMode::Full, &ix);
        let changes = feed(&mut p, &["surname,address_1,postcode", "Smith,12 High St,LS1 4AP", "Jones,,LS1 4AP"]);
        assert_eq!(
            changes,
            [Change { action: Action::Add, digest: key_digest(&ix, IdentifierKind::NameAddress, "smith|LS1 4AP|12") }]
        );
        assert_eq!(
            p.report().first_rejections[0],
            Rejection { line: 3, reason: "first address line is missing".into() }
        );
    }
}
