//! The load pipeline: read and clean on a blocking thread, write in chunks, commit at the end.
//!
//! The producer thread plans the columns (failing the file before anything is written if a column
//! is forbidden), reads rows, cleans them with the pure `clean_row`, and sends chunks over a
//! bounded channel. The consumer writes each chunk inside the batch's transaction and commits
//! only after the producer reports the end of the file. Any error drops the transaction.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::Arc;

use dataward_core::audit::Actor;
use dataward_core::columns::{ColumnError, ColumnPlan, Mapping, plan_columns};
use dataward_core::fields::Field;
use dataward_core::partner::IngestMode;
use dataward_core::profile::Profile;
use dataward_core::record::clean_row;
use dataward_store::ingest_tx::{BatchSource, PendingRow, QuarantinedRow};
use dataward_store::partners::Partner;
use dataward_store::{Store, StoreError};
use jiff::Timestamp;
use jiff::civil::Date;
use tokio::sync::mpsc;

use crate::reader::{FileReader, Item, ReadError};
use crate::{Format, IngestSummary};

/// Rows per chunk handed from the reader to the store.
const CHUNK_ROWS: usize = 2_000;
/// Chunks in flight between reader and store.
const CHANNEL_DEPTH: usize = 4;

/// A deliberate failure, for proving that a batch is atomic (set only by tests and the
/// `DATAWARD_FAULT` environment variable of the CLI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Fail with an error once at least this many rows have been written.
    ErrorAfterRows(u64),
    /// Kill the process (no cleanup at all) once at least this many rows have been written.
    AbortAfterRows(u64),
}

/// Everything a load needs besides the bytes.
#[derive(Debug, Clone)]
pub struct IngestRequest {
    pub partner: Partner,
    pub file_name: String,
    pub format: Format,
    pub mode: IngestMode,
    pub mapping: Mapping,
    pub profile: Arc<Profile>,
    pub today: Date,
    pub now: Timestamp,
    pub fault: Option<Fault>,
    /// Who loads the file, as the audit log names it (`partner:<id>` for an upload, `cli`).
    pub actor: Actor,
}

/// How far a load has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub rows: u64,
    pub bytes: u64,
}

/// Why a load failed. In every case nothing of the file was stored.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{file}: {source}")]
    Columns { file: String, source: ColumnError },
    #[error("{file}: {source}")]
    Read { file: String, source: ReadError },
    #[error("{file}: partner `{partner}` is withdrawn; its files are no longer accepted")]
    PartnerWithdrawn { file: String, partner: String },
    #[error("{file}: the file has no rows")]
    Empty { file: String },
    #[error("storing the batch failed, nothing was stored: {0}")]
    Store(#[from] StoreError),
    #[error("injected failure after {0} rows; nothing was stored")]
    Injected(u64),
    #[error("the reading thread stopped unexpectedly")]
    ReaderLost,
}

enum Msg {
    Columns { unknown: Vec<String>, ignored: Vec<String> },
    Chunk { rows: Vec<PendingRow>, quarantined: Vec<QuarantinedRow>, progress: Progress },
    Done { sha256: String, rows_read: u64 },
    Failed(IngestError),
}

/// Loads one partner file as one atomic batch.
pub async fn ingest_file<R, P>(
    store: &Store,
    request: IngestRequest,
    input: R,
    progress: P,
) -> Result<IngestSummary, IngestError>
where
    R: Read + Send + 'static,
    P: Fn(Progress) + Send,
{
    if request.partner.status != dataward_core::partner::PartnerStatus::Active {
        return Err(IngestError::PartnerWithdrawn { file: request.file_name, partner: request.partner.name });
    }
    let (tx, mut rx) = mpsc::channel::<Msg>(CHANNEL_DEPTH);
    let producer_request = request.clone();
    let producer = tokio::task::spawn_blocking(move || produce(producer_request, input, tx));

    let mut summary = IngestSummary {
        batch_id: String::new(),
        partner: request.partner.name.clone(),
        file_sha256: String::new(),
        rows_read: 0,
        accepted: 0,
        quarantined: 0,
        quarantined_by_reason: BTreeMap::new(),
        new_persons: 0,
        known_records: 0,
        removed_records: 0,
        erased_lines: vec![],
        unknown_columns: vec![],
        ignored_columns: vec![],
    };
    let mut batch = None;
    let mut written = 0u64;
    let result = loop {
        let Some(msg) = rx.recv().await else { break Err(IngestError::ReaderLost) };
        match msg {
            Msg::Columns { unknown, ignored } => {
                summary.unknown_columns = unknown;
                summary.ignored_columns = ignored;
            }
            Msg::Chunk { rows, quarantined, progress: p } => {
                if batch.is_none() {
                    let source = BatchSource {
                        file_name: request.file_name.clone(),
                        format: request.format.as_str(),
                        mode: request.mode,
                        linkage: request.profile.linkage,
                    };
                    let mut open = store.begin_ingest(&request.partner, source, request.now).await?;
                    open.set_audit_actor(request.actor.clone());
                    batch = Some(open);
                }
                let open = batch.as_mut().expect("opened above");
                written += rows.len() as u64;
                let duplicates = open.write_records(rows).await?;
                open.write_quarantine(&quarantined).await?;
                for q in quarantined.iter().chain(&duplicates) {
                    *summary.quarantined_by_reason.entry(q.reason.code().to_string()).or_default() += 1;
                }
                progress(p);
                match request.fault {
                    Some(Fault::ErrorAfterRows(n)) if written >= n => break Err(IngestError::Injected(written)),
                    Some(Fault::AbortAfterRows(n)) if written >= n => std::process::abort(),
                    _ => {}
                }
            }
            Msg::Failed(e) => break Err(e),
            Msg::Done { sha256, rows_read } => {
                let Some(open) = batch.take() else {
                    break Err(IngestError::Empty { file: request.file_name.clone() });
                };
                let outcome = open.finish(&sha256, rows_read, &summary.unknown_columns).await?;
                summary.batch_id = outcome.batch_id;
                summary.file_sha256 = sha256;
                summary.rows_read = rows_read;
                summary.accepted = outcome.accepted;
                summary.quarantined = outcome.quarantined;
                summary.new_persons = outcome.new_persons;
                summary.known_records = outcome.known_records;
                summary.removed_records = outcome.removed_records;
                summary.erased_lines = outcome.erased_lines;
                break Ok(());
            }
        }
    };
    drop(rx);
    drop(batch); // rolls back unless finished
    let _ = producer.await;
    result.map(|()| summary)
}

fn produce<R: Read>(request: IngestRequest, input: R, tx: mpsc::Sender<Msg>) {
    if let Err(e) = read_all(&request, input, &tx) {
        let _ = tx.blocking_send(Msg::Failed(e));
    }
}

fn read_all<R: Read>(request: &IngestRequest, input: R, tx: &mpsc::Sender<Msg>) -> Result<(), IngestError> {
    let file = || request.file_name.clone();
    let read_err = |source| IngestError::Read { file: file(), source };
    let mut reader = FileReader::open(request.format, input).map_err(read_err)?;
    let mut plan: Option<ColumnPlan> = None;
    let mut planned_width = usize::MAX;
    let mut rows_read = 0u64;
    let mut rows = Vec::with_capacity(CHUNK_ROWS);
    let mut quarantined = Vec::new();
    let mut sent_any = false;
    let replan = |headers: &[String]| {
        plan_columns(headers, &request.mapping, &request.profile)
            .map_err(|source| IngestError::Columns { file: file(), source })
    };
    if request.format == Format::Csv {
        let p = replan(reader.headers())?;
        planned_width = reader.headers().len();
        let _ = tx.blocking_send(Msg::Columns { unknown: p.unknown.clone(), ignored: p.ignored.clone() });
        plan = Some(p);
    }
    loop {
        let Some(item) = reader.next_item().map_err(read_err)? else { break };
        rows_read += 1;
        match item {
            Item::Broken { line, reason, detail, raw } => {
                quarantined.push(QuarantinedRow { line, field: None, reason, detail, raw });
            }
            Item::Row { line, values, raw } => {
                if reader.headers().len() != planned_width {
                    let p = replan(reader.headers())?;
                    planned_width = reader.headers().len();
                    let _ = tx.blocking_send(Msg::Columns { unknown: p.unknown.clone(), ignored: p.ignored.clone() });
                    plan = Some(p);
                }
                let plan = plan.as_ref().expect("planned before the first row");
                let mapped: Vec<(Field, &str)> = plan
                    .fields
                    .iter()
                    .zip(&values)
                    .filter_map(|(field, value)| field.as_ref().map(|f| (f.clone(), value.as_str())))
                    .collect();
                match clean_row(&mapped, request.today) {
                    Ok(record) => rows.push(PendingRow { line, record, raw }),
                    Err(rejection) => quarantined.push(QuarantinedRow {
                        line,
                        field: rejection.field.map(|f| f.name()),
                        reason: rejection.reason,
                        detail: rejection.detail,
                        raw,
                    }),
                }
            }
        }
        if rows.len() + quarantined.len() >= CHUNK_ROWS {
            let progress = Progress { rows: rows_read, bytes: reader.bytes_read() };
            let chunk =
                Msg::Chunk { rows: std::mem::take(&mut rows), quarantined: std::mem::take(&mut quarantined), progress };
            if tx.blocking_send(chunk).is_err() {
                return Ok(()); // the writer stopped; it reports why
            }
            sent_any = true;
        }
    }
    if !rows.is_empty() || !quarantined.is_empty() || !sent_any {
        let progress = Progress { rows: rows_read, bytes: reader.bytes_read() };
        if rows_read == 0 {
            return Err(IngestError::Empty { file: file() });
        }
        if tx.blocking_send(Msg::Chunk { rows, quarantined, progress }).is_err() {
            return Ok(());
        }
    }
    let sha256 = reader.finish().map_err(read_err)?;
    let _ = tx.blocking_send(Msg::Done { sha256, rows_read });
    Ok(())
}
