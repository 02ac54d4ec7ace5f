//! One partner file as one atomic batch.
//!
//! `Store::begin_ingest` opens a transaction and a batch; clean records and quarantined rows are
//! written in chunks; `finish` applies the refresh rule and commits. Dropping an `IngestTx`
//! without `finish` (an error, a cancelled upload) rolls everything back, and a killed process
//! leaves an uncommitted transaction that the engine discards, so the store is exactly as before.
//!
//! **One ingest at a time.** Each chunk links its records against a *working set* of the persons
//! it may belong to, read inside the batch's transaction; an ingest running alongside could not
//! see the other's uncommitted persons, and two partners' files holding the same person would
//! each create them. So an open batch holds the store's ingest lock until it commits or rolls
//! back: on PostgreSQL a transaction-scoped advisory lock (`pg_advisory_xact_lock`), on SQLite
//! the write lock taken at `BEGIN IMMEDIATE`, before anything is read. Within one process
//! ingests also queue on [`Store`]'s ingest queue first, so a waiting ingest holds no connection
//! and never runs into SQLite's busy timeout. Reads (client requests) are not blocked.

use std::collections::{HashMap, HashSet};

use dataward_core::audit::Actor;
use dataward_core::linkage::{AddOutcome, Blocker, Clusterer, Event, MatchRecord, PersonId, RecordId, linked_parts};
use dataward_core::partner::IngestMode;
use dataward_core::profile::LinkageThresholds;
use dataward_core::quarantine::QuarantineReason;
use dataward_core::record::CleanRecord;
use jiff::Timestamp;
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};

use crate::batch_writes::{ChunkWrites, QuarantineWrites, WriteQueue, Writes};
use crate::deferred_indexes::DeferredIndexes;
use crate::held_block_keys::HeldBlockKeys;
use crate::ingest_rows::{BatchContext, LinkedRecord};
use crate::linkage::ActiveModel;
use crate::linkage::apply::{
    Names, PERSON_SCOPED_BY_RECORD, delete_persons, event_row, event_rows, insert_events, move_records, review_row,
};
use crate::linkage::assign::assign;
use crate::linkage::candidates::{candidate_persons, held_persons, keyed_probe_keys};
use crate::linkage::model::ensure_on;
use crate::partners::Partner;
use crate::sql::{Val, placeholder_list};
use crate::store::{Backend, new_id, set_sqlite_cache_kib};
use crate::{Store, StoreError};

/// A row that could not be stored, with where and why. `raw` is the row as read; it is written
/// through the value codec like any personal value.
#[derive(Clone)]
pub struct QuarantinedRow {
    pub line: u64,
    pub field: Option<String>,
    pub reason: QuarantineReason,
    pub detail: String,
    pub raw: String,
}

impl std::fmt::Debug for QuarantinedRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "QuarantinedRow(line {}, {:?}, {})", self.line, self.field, self.reason)
    }
}

/// Fields whose values get a keyed digest for exact lookups (`Store::persons_with_value`).
/// Other values are only ever read through their person, so they stay out of the index.
pub const LOOKUP_FIELDS: &[&str] = &["email", "mobile", "landline", "phone", "postcode", "date_of_birth", "surname"];

/// A clean row waiting to be stored, with its line and raw text (kept in case it is quarantined).
pub struct PendingRow {
    pub line: u64,
    pub record: CleanRecord,
    pub raw: String,
}

/// Describes the file a batch comes from.
#[derive(Debug, Clone)]
pub struct BatchSource {
    pub file_name: String,
    pub format: &'static str,
    pub mode: IngestMode,
    /// The profile's link and possible thresholds.
    pub linkage: LinkageThresholds,
}

/// How a committed batch changed the store.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BatchOutcome {
    pub batch_id: String,
    pub accepted: u64,
    pub quarantined: u64,
    /// Persons created by this batch.
    pub new_persons: u64,
    /// Records that joined a person already held (before the batch or earlier in the file).
    pub known_records: u64,
    /// The partner's earlier records removed by a refresh.
    pub removed_records: u64,
    /// Lines not stored because they hold an identifier of an erased person (the erasure's
    /// suppression entries); counted and reported, never kept.
    pub erased_lines: Vec<u64>,
}

/// An open batch. Nothing is visible to anyone else until `finish` commits.
pub struct IngestTx {
    /// The batch's transaction; `None` while `writes` has it.
    tx: Option<crate::write_tx::WriteTx>,
    store: Store,
    partner_id: String,
    source: BatchSource,
    received_at: String,
    outcome: BatchOutcome,
    linkage: std::sync::Arc<ActiveModel>,
    thresholds: LinkageThresholds,
    /// Persons this batch created that still exist.
    created_persons: HashSet<String>,
    /// Identifier digests of erased persons (`suppressions` with reason `erasure`).
    erased: HashSet<dataward_core::keys::Digest>,
    now: Timestamp,
    /// This process's place in the ingest queue, released when the batch ends.
    _queued: tokio::sync::OwnedMutexGuard<()>,
    /// Who the audit log names as loading the file (the partner itself unless told otherwise).
    audit_actor: Actor,
    /// Records stored by this batch when its tables' statistics were last refreshed (PostgreSQL).
    analyzed_at: u64,
    /// A write of this batch failed. On SQLite the failure may already have rolled the
    /// transaction back (`INSERT OR ROLLBACK`), so any later statement would run on its own in
    /// autocommit mode: every later call is refused instead.
    failed: bool,
    /// Whether this batch, once large, has asked if its digest indexes should be set aside
    /// (SQLite, into a store that was small; see `deferred_indexes`). Asked once.
    index_deferral_decided: bool,
    /// Digest indexes dropped for this batch, built again before it commits.
    deferred: DeferredIndexes,
    /// This batch's blocking keys, with each held record's matching form, held in memory from
    /// the moment its digest indexes were set aside until it commits (see `held_block_keys`).
    held_keys: Option<HeldBlockKeys>,
    /// The partner record ids this batch has stored, held from the same moment (duplicates are
    /// found without a statement).
    held_record_ids: Option<HashSet<String>>,
    /// The task writing this batch's chunks behind its linking, from the same moment (see
    /// `batch_writes`); it has the transaction until the batch settles its writes.
    writes: Option<WriteQueue>,
}

/// Why a batch's transaction is there when `finish` uses it: `finish` settles the batch's
/// queued writes first, which hands the transaction back.
const SETTLED: &str = "a batch's writes are settled before it finishes";

/// The PostgreSQL advisory lock key that serialises ingests ("dwingest" in ASCII).
const INGEST_LOCK_KEY: i64 = 0x6477_696e_6765_7374;

impl Store {
    /// Opens a batch for `partner`.
    pub async fn begin_ingest(
        &self,
        partner: &Partner,
        source: BatchSource,
        now: Timestamp,
    ) -> Result<IngestTx, StoreError> {
        let queued = self.ingest_queue.clone().lock_owned().await;
        // Its own connection: the page cache set here leaves with it, whatever becomes of the batch.
        let mut tx = self.begin_dedicated_write().await?;
        match self.backend {
            Backend::Sqlite => {
                set_sqlite_cache_kib(&mut tx, self.ingest_cache_kib).await?;
                // Foreign keys are checked at commit (the pragma lasts until then): an immediate
                // check makes SQLite keep a statement journal for every multi-row insert (see
                // `OnFailure::RollBackTransaction`). A violation still fails the whole batch.
                sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut *tx).await?;
            }
            Backend::Postgres => {
                // A void function in FROM, so the row has a type every driver decodes.
                sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)").bind(INGEST_LOCK_KEY).execute(&mut *tx).await?;
            }
        }
        let batch_id = new_id();
        let received_at = now.to_string();
        sqlx::query(
            "INSERT INTO batches (id, partner_id, file_name, file_sha256, format, mode, received_at,
                 rows_read, rows_accepted, rows_quarantined, new_persons, known_persons, removed_records, unknown_columns)
             VALUES ($1, $2, $3, '', $4, $5, $6, 0, 0, 0, 0, 0, 0, '')",
        )
        .bind(&batch_id)
        .bind(&partner.id)
        .bind(&source.file_name)
        .bind(source.format)
        .bind(source.mode.as_str())
        .bind(&received_at)
        .execute(&mut *tx)
        .await?;
        let linkage = ensure_on(&mut tx, self, now).await?;
        let erased: Vec<(Vec<u8>,)> =
            sqlx::query_as("SELECT digest FROM suppressions WHERE reason = 'erasure'").fetch_all(&mut *tx).await?;
        let erased = erased.into_iter().filter_map(|(d,)| d.try_into().ok()).collect();
        Ok(IngestTx {
            erased,
            tx: Some(tx),
            store: self.clone(),
            partner_id: partner.id.clone(),
            thresholds: source.linkage,
            source,
            received_at,
            outcome: BatchOutcome { batch_id, ..BatchOutcome::default() },
            linkage,
            created_persons: HashSet::new(),
            now,
            _queued: queued,
            audit_actor: Actor::Partner(partner.id.clone()),
            analyzed_at: 0,
            failed: false,
            index_deferral_decided: false,
            deferred: DeferredIndexes::default(),
            held_keys: None,
            held_record_ids: None,
            writes: None,
        })
    }
}

impl IngestTx {
    pub fn batch_id(&self) -> &str {
        &self.outcome.batch_id
    }

    /// The digest indexes this batch has set aside, to be built again before it commits (SQLite:
    /// a batch into a small store, once it has written 2,000 rows; see `deferred_indexes`).
    pub fn deferred_indexes(&self) -> Vec<&str> {
        self.deferred.names()
    }

    /// How many (block key, record) entries this batch holds in memory rather than in
    /// `blocking_keys` (see `held_block_keys`); `None` while it writes them as it goes.
    pub fn held_block_keys(&self) -> Option<usize> {
        self.held_keys.as_ref().map(HeldBlockKeys::entries)
    }

    /// How many of this batch's records it holds in matching form, linking them without reading
    /// them back (see `held_forms`); `None` while it reads every candidate from the table.
    pub fn held_forms(&self) -> Option<usize> {
        self.held_keys.as_ref().map(HeldBlockKeys::forms)
    }

    /// Whether this batch's writes go to a task of their own, behind its linking (see
    /// `batch_writes`): a large batch into a small SQLite store, once it holds its keys.
    pub fn queues_writes(&self) -> bool {
        self.writes.is_some()
    }

    /// Names who loads the file in the audit log (e.g. `Actor::Cli` for `dataward ingest`).
    pub fn set_audit_actor(&mut self, actor: Actor) {
        self.audit_actor = actor;
    }

    /// Stores a chunk of clean rows, linking each to a person (see [`crate::linkage`]). A row
    /// whose partner record id repeats one earlier in the file is quarantined instead; those rows
    /// are returned.
    pub async fn write_records(&mut self, rows: Vec<PendingRow>) -> Result<Vec<QuarantinedRow>, StoreError> {
        self.refuse_if_failed()?;
        let written = self.write_records_unchecked(rows).await;
        self.failed |= written.is_err();
        written
    }

    /// Sets the digest indexes aside, and starts holding the batch's blocking keys in memory,
    /// when the batch has reached [`crate::deferred_indexes::AFTER_ROWS`] rows in a SQLite
    /// store that was small before it.
    ///
    /// From then on the batch links from memory alone and its writes are queued to a task of
    /// their own (see `batch_writes`).
    async fn set_indexes_aside_once_large(&mut self) -> Result<(), StoreError> {
        let large = self.outcome.accepted >= crate::deferred_indexes::AFTER_ROWS;
        if self.index_deferral_decided || !large || self.store.backend != Backend::Sqlite {
            return Ok(());
        }
        self.index_deferral_decided = true;
        let accepted = self.outcome.accepted;
        let batch_id = self.outcome.batch_id.clone();
        let store = self.store.clone();
        let tx = self.conn()?;
        if DeferredIndexes::store_was_small(tx, accepted).await? {
            let deferred = DeferredIndexes::set_aside(tx).await?;
            let keys = HeldBlockKeys::start(tx, &store).await?;
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT partner_record_id FROM source_records WHERE batch_id = $1 AND partner_record_id IS NOT NULL",
            )
            .bind(&batch_id)
            .fetch_all(&mut **tx)
            .await?;
            self.deferred = deferred;
            self.held_keys = Some(keys);
            self.held_record_ids = Some(ids.into_iter().collect());
            self.writes = self.tx.take().map(WriteQueue::start);
        }
        Ok(())
    }

    /// The batch's transaction (its writes settled: see [`IngestTx::settle_writes`]).
    fn conn(&mut self) -> Result<&mut crate::write_tx::WriteTx, StoreError> {
        self.tx.as_mut().ok_or_else(|| {
            StoreError::Conflict("a batch's transaction was used while its writes were queued".to_string())
        })
    }

    /// Waits for the batch's queued writes and takes its transaction back; a failed write
    /// fails the batch.
    async fn settle_writes(&mut self) -> Result<(), StoreError> {
        let Some(queue) = self.writes.take() else { return Ok(()) };
        let finished = queue.finish().await;
        let written = match finished {
            Ok((tx, written)) => {
                self.tx = Some(tx);
                written
            }
            Err(e) => Err(e),
        };
        self.failed |= written.is_err();
        written
    }

    /// Runs `writes` on the batch's transaction, or queues them when the batch queues its writes.
    async fn write(&mut self, writes: Writes) -> Result<(), StoreError> {
        match &self.writes {
            Some(queue) => {
                if queue.push(writes).await {
                    return Ok(());
                }
                // The task stopped on a failed write: that failure is the batch's.
                self.settle_writes().await?;
                Err(StoreError::Conflict("a batch's writing task stopped".to_string()))
            }
            None => writes.apply(self.conn()?).await,
        }
    }

    /// Moves records to other persons (`(record, from, to)`), in the tables and in memory.
    async fn move_records(&mut self, moves: &[(String, String, String)]) -> Result<(), StoreError> {
        let backend = self.store.backend;
        move_records(self.conn()?, backend, moves).await?;
        self.move_held_records(moves);
        Ok(())
    }

    /// Moves records to other persons in the held keys and forms.
    fn move_held_records(&mut self, moves: &[(String, String, String)]) {
        if let Some(held) = &mut self.held_keys {
            held.apply_moves(moves);
        }
    }

    /// Refuses a call after a failed write (see `failed`).
    fn refuse_if_failed(&self) -> Result<(), StoreError> {
        if self.failed {
            return Err(StoreError::Conflict(format!(
                "batch {} failed and was rolled back; nothing more can be written to it",
                self.outcome.batch_id
            )));
        }
        Ok(())
    }

    async fn write_records_unchecked(&mut self, rows: Vec<PendingRow>) -> Result<Vec<QuarantinedRow>, StoreError> {
        self.set_indexes_aside_once_large().await?;
        let rows = self.drop_erased(rows);
        let (records, duplicates) = self.split_duplicates(rows).await?;
        self.write_quarantine_unchecked(&duplicates).await?;
        if records.is_empty() {
            return Ok(duplicates);
        }
        let indexer = self.store.indexer.clone();
        let backend = self.store.backend;
        let blocker = Blocker::default();

        // The persons the new records may belong to, loaded into a working clusterer.
        let matchable: Vec<MatchRecord> = records.iter().map(|(_, r)| MatchRecord::from_clean(r)).collect();
        // Each record's keys are built once: it is stored under the index keys and looks up the
        // probe keys.
        let mut block_keys: Vec<Vec<i64>> = Vec::with_capacity(matchable.len());
        let mut all_keys: Vec<i64> = Vec::new();
        for m in &matchable {
            let (index, probe) = blocker.index_and_probe_keys(m);
            block_keys.push(index.into_iter().map(|k| indexer.block_key(k)).collect());
            all_keys.extend(keyed_probe_keys(&self.store, probe, m));
        }
        let held = if let Some(held) = &self.held_keys {
            held.held_persons(&held.candidate_persons(&all_keys, blocker.max_block))
        } else {
            let store = self.store.clone();
            let tx = self.conn()?;
            let persons = candidate_persons(tx, backend, &all_keys, blocker.max_block).await?;
            held_persons(tx, &store, &persons).await?
        };
        let mut clusterer = Clusterer::new((*self.linkage.model()).clone(), self.thresholds, blocker);
        clusterer.reserve(held.iter().map(|h| h.records.len()).sum::<usize>() + matchable.len());
        let mut held_ids: HashMap<RecordId, (String, String)> = HashMap::new();
        let mut held_person: HashMap<PersonId, String> = HashMap::new();
        for h in held {
            let (ids, forms): (Vec<String>, Vec<MatchRecord>) = h.records.into_iter().unzip();
            let (person, local) = clusterer.preload(forms);
            for (l, id) in local.into_iter().zip(ids) {
                held_ids.insert(l, (id, h.person_id.clone()));
            }
            held_person.insert(person, h.person_id);
        }
        let outcomes: Vec<AddOutcome> = matchable.iter().map(|m| clusterer.add(m.clone())).collect();
        let assignment = assign(&clusterer, &held_ids, new_id);
        let record_ids: Vec<String> = outcomes.iter().map(|_| new_id()).collect();
        let new_record: HashMap<RecordId, &str> =
            outcomes.iter().zip(&record_ids).map(|(o, id)| (o.record, id.as_str())).collect();

        // Persons: created ones inserted, merged-away ones removed once their records moved.
        let persons_rows: Vec<Vec<Val>> = assignment
            .created
            .iter()
            .map(|id| vec![Val::Text(id.clone()), Val::Text(self.received_at.clone())])
            .collect();
        self.created_persons.extend(assignment.created.iter().cloned());
        self.move_held_records(&assignment.moves);
        for gone in &assignment.emptied {
            self.created_persons.remove(gone);
        }

        let mut linked = Vec::with_capacity(records.len());
        let mut reviews = Vec::new();
        let mut events = Vec::new();
        let person_name = |p: PersonId| assignment.persons.get(&p).or_else(|| held_person.get(&p)).cloned();
        let record_name =
            |r: RecordId| new_record.get(&r).map(|s| s.to_string()).or_else(|| held_ids.get(&r).map(|h| h.0.clone()));
        let names = Names { person: &person_name, record: &record_name };
        for (((((line, record), form), block_keys), outcome), record_id) in
            records.into_iter().zip(matchable).zip(block_keys).zip(&outcomes).zip(&record_ids)
        {
            let person_id = assignment.new_records[&outcome.record].clone();
            if outcome.events.iter().any(|e| matches!(e, Event::Linked { .. })) {
                self.outcome.known_records += 1;
            }
            for e in &outcome.events {
                events.extend(event_rows(e, &names, &self.received_at, Some(&self.outcome.batch_id)));
            }
            if let Some((candidate, p)) = outcome.possible.first()
                && let Some(candidate) = person_name(*candidate)
                && candidate != person_id
            {
                reviews.push(review_row(record_id, &person_id, &candidate, *p, &self.received_at));
            }
            let block_keys = match &mut self.held_keys {
                Some(held) => {
                    held.hold(record_id, &person_id, &block_keys, form.clone());
                    Vec::new()
                }
                None => block_keys,
            };
            linked.push(LinkedRecord { record_id: record_id.clone(), person_id, line, record, form, block_keys });
            self.outcome.accepted += 1;
        }
        let writes = ChunkWrites {
            context: self.context(),
            moves: assignment.moves,
            emptied: assignment.emptied,
            new_persons: persons_rows,
            linked,
            events,
            reviews,
        };
        self.write(Writes::Chunk(writes)).await?;
        self.refresh_statistics().await?;
        Ok(duplicates)
    }

    /// What a batch's rows are written with.
    fn context(&self) -> BatchContext {
        BatchContext {
            store: self.store.clone(),
            partner_id: self.partner_id.clone(),
            batch_id: self.outcome.batch_id.clone(),
            received_at: self.received_at.clone(),
        }
    }

    /// On PostgreSQL, refreshes the statistics of the tables a batch grows each time its own
    /// records have doubled. The batch's rows are uncommitted, so autovacuum never counts them
    /// and the planner, seeing no statistics, takes each `IN` list of thousands of keys as
    /// matching most of the table and scans it whole for every chunk (1,166 rows/s over
    /// 100,000 rows, falling as the tables grow). `ANALYZE` inside the transaction samples the
    /// transaction's own rows, and its statistics are visible to the transaction at once.
    async fn refresh_statistics(&mut self) -> Result<(), StoreError> {
        const FIRST_AT: u64 = 4_000;
        if self.store.backend != Backend::Postgres || self.outcome.accepted < FIRST_AT.max(2 * self.analyzed_at) {
            return Ok(());
        }
        self.analyzed_at = self.outcome.accepted;
        sqlx::query(
            "ANALYZE blocking_keys, match_records, record_keys, source_records, record_values, persons, selection_facets",
        )
        .execute(&mut **self.conn()?)
        .await?;
        Ok(())
    }

    /// Separates rows whose partner record id was already seen in this batch (in this chunk or
    /// an earlier one, found through the batch's index so memory stays bounded, or among the
    /// ids a large batch holds).
    async fn split_duplicates(
        &mut self,
        rows: Vec<PendingRow>,
    ) -> Result<(Vec<(u64, CleanRecord)>, Vec<QuarantinedRow>), StoreError> {
        let mut held_ids = self.held_record_ids.take();
        let mut seen = HashSet::new();
        let seen = match &mut held_ids {
            Some(held) => held,
            None => {
                self.stored_record_ids(&rows, &mut seen).await?;
                &mut seen
            }
        };
        let mut clean = Vec::with_capacity(rows.len());
        let mut duplicates = Vec::new();
        for row in rows {
            match &row.record.partner_record_id {
                Some(id) if !seen.insert(id.clone()) => duplicates.push(QuarantinedRow {
                    line: row.line,
                    field: Some("partner_record_id".into()),
                    reason: QuarantineReason::DuplicateRecordId,
                    detail: "this record id already appeared earlier in the file".into(),
                    raw: row.raw,
                }),
                _ => clean.push((row.line, row.record)),
            }
        }
        self.held_record_ids = held_ids;
        Ok((clean, duplicates))
    }

    /// Adds to `seen` the partner record ids of `rows` this batch has already stored.
    async fn stored_record_ids(&mut self, rows: &[PendingRow], seen: &mut HashSet<String>) -> Result<(), StoreError> {
        let ids: Vec<&str> = rows.iter().filter_map(|r| r.record.partner_record_id.as_deref()).collect();
        let backend = self.store.backend;
        let batch_id = self.outcome.batch_id.clone();
        let tx = self.conn()?;
        for chunk in ids.chunks(5_000) {
            let sql = format!(
                "SELECT partner_record_id FROM source_records WHERE batch_id = {} AND partner_record_id IN ({})",
                placeholder_list(backend, 1, 1),
                placeholder_list(backend, 2, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql)).bind(&batch_id);
            for id in chunk {
                query = query.bind(id.to_string());
            }
            for row in query.fetch_all(&mut **tx).await? {
                seen.insert(row.try_get("partner_record_id")?);
            }
        }
        Ok(())
    }

    /// Stores quarantined rows of this batch.
    pub async fn write_quarantine(&mut self, rows: &[QuarantinedRow]) -> Result<(), StoreError> {
        self.refuse_if_failed()?;
        let written = self.write_quarantine_unchecked(rows).await;
        self.failed |= written.is_err();
        written
    }

    async fn write_quarantine_unchecked(&mut self, rows: &[QuarantinedRow]) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let writes = QuarantineWrites { context: self.context(), rows: rows.to_vec() };
        self.write(Writes::Quarantine(writes)).await?;
        self.outcome.quarantined += rows.len() as u64;
        Ok(())
    }

    /// Keeps back rows that carry an identifier of an erased person, noting their lines.
    fn drop_erased(&mut self, rows: Vec<PendingRow>) -> Vec<PendingRow> {
        if self.erased.is_empty() {
            return rows;
        }
        let indexer = self.store.indexer.clone();
        rows.into_iter()
            .filter(|row| {
                let r = &row.record;
                let emails: Vec<&str> = r.email.iter().map(|e| e.as_str()).collect();
                let phones: Vec<&str> = r.phones.iter().map(|p| p.e164()).collect();
                let addresses: Vec<(&str, &str, &str)> = match (r.address_lines.first(), &r.postcode) {
                    (Some(line), Some(pc)) => vec![(r.surname.as_str(), line.as_str(), pc.as_str())],
                    _ => vec![],
                };
                let digests = dataward_core::screening::subject_digests(&indexer, &emails, &phones, &addresses);
                let erased = digests.iter().any(|(_, d)| self.erased.contains(d));
                if erased {
                    self.outcome.erased_lines.push(row.line);
                }
                !erased
            })
            .collect()
    }

    /// Applies the refresh rule, records the batch's totals and commits.
    pub async fn finish(
        mut self,
        file_sha256: &str,
        rows_read: u64,
        unknown_columns: &[String],
    ) -> Result<BatchOutcome, StoreError> {
        self.refuse_if_failed()?;
        self.settle_writes().await?;
        if self.source.mode == IngestMode::Refresh {
            self.outcome.removed_records = self.remove_earlier_records().await?;
        }
        self.outcome.new_persons = self.created_persons.len() as u64;
        let o = &self.outcome;
        sqlx::query(
            "UPDATE batches SET file_sha256 = $1, rows_read = $2, rows_accepted = $3, rows_quarantined = $4,
                 new_persons = $5, known_persons = $6, removed_records = $7, unknown_columns = $8, rows_erased = $10
             WHERE id = $9",
        )
        .bind(file_sha256)
        .bind(rows_read as i64)
        .bind(o.accepted as i64)
        .bind(o.quarantined as i64)
        .bind(o.new_persons as i64)
        .bind(o.known_records as i64)
        .bind(o.removed_records as i64)
        .bind(unknown_columns.join("\t"))
        .bind(&o.batch_id)
        .bind(o.erased_lines.len() as i64)
        .execute(&mut **self.tx.as_mut().expect(SETTLED))
        .await?;
        let detail = serde_json::json!({
            "partner": self.partner_id, "mode": self.source.mode.as_str(), "file_sha256": file_sha256,
            "rows_read": rows_read, "accepted": o.accepted, "quarantined": o.quarantined,
            "new_persons": o.new_persons, "removed_records": o.removed_records,
        });
        let actor = self.audit_actor.clone();
        crate::audit::record(self.tx.as_mut().expect(SETTLED), actor, "ingest", &o.batch_id, detail, self.now).await?;
        if let Some(held) = self.held_keys.take() {
            held.write_into_table(self.tx.as_mut().expect(SETTLED), self.store.backend).await?;
        }
        std::mem::take(&mut self.deferred).rebuild(self.tx.as_mut().expect(SETTLED)).await?;
        self.tx.take().expect(SETTLED).commit().await?;
        // A store still on the bootstrap model trains on its own records once it has enough.
        self.store.train_linkage_if_bootstrap(self.now).await?;
        Ok(self.outcome)
    }

    /// Removes everything the partner supplied before this batch: its records, their values,
    /// matching forms and keys, the quarantine of its earlier batches, and persons left with no
    /// record. A person that loses a record which held its other records together is split into
    /// the parts that still link, and the history says so.
    async fn remove_earlier_records(&mut self) -> Result<u64, StoreError> {
        let backend = self.store.backend;
        let earlier = "SELECT id FROM source_records WHERE partner_id = $1 AND batch_id <> $2";
        let affected: Vec<(String, String)> =
            sqlx::query_as(AssertSqlSafe(format!("SELECT id, person_id FROM source_records WHERE id IN ({earlier})")))
                .bind(&self.partner_id)
                .bind(&self.outcome.batch_id)
                .fetch_all(&mut **self.tx.as_mut().expect(SETTLED))
                .await?;
        // A restriction, objection or withdrawal stays with the person: the flags of the records
        // being replaced are carried to the person's records that remain (this batch's included).
        let carry = format!(
            "INSERT INTO rights_flags (source_record_id, person_id, flag, request_id, set_at)
             SELECT s.id, s.person_id, f.flag, f.request_id, f.set_at FROM rights_flags f
             JOIN source_records s ON s.person_id = f.person_id
             WHERE f.source_record_id IN ({earlier}) AND s.id NOT IN ({earlier})
             ON CONFLICT (source_record_id, flag) DO NOTHING"
        );
        sqlx::query(AssertSqlSafe(carry))
            .bind(&self.partner_id)
            .bind(&self.outcome.batch_id)
            .execute(&mut **self.tx.as_mut().expect(SETTLED))
            .await?;
        // Every table keyed by source record (removing a record's key is what makes copies of its
        // values unreadable, see `keys`); the records themselves go below.
        for (table, column) in PERSON_SCOPED_BY_RECORD.iter().rev().filter(|(t, _)| *t != "source_records") {
            let sql = format!("DELETE FROM {table} WHERE {column} IN ({earlier})");
            sqlx::query(AssertSqlSafe(sql))
                .bind(&self.partner_id)
                .bind(&self.outcome.batch_id)
                .execute(&mut **self.tx.as_mut().expect(SETTLED))
                .await?;
        }
        let removed = sqlx::query("DELETE FROM source_records WHERE partner_id = $1 AND batch_id <> $2")
            .bind(&self.partner_id)
            .bind(&self.outcome.batch_id)
            .execute(&mut **self.tx.as_mut().expect(SETTLED))
            .await?
            .rows_affected();
        sqlx::query(
            "DELETE FROM quarantine WHERE batch_id IN (SELECT id FROM batches WHERE partner_id = $1 AND id <> $2)",
        )
        .bind(&self.partner_id)
        .bind(&self.outcome.batch_id)
        .execute(&mut **self.tx.as_mut().expect(SETTLED))
        .await?;
        if removed == 0 {
            return Ok(0);
        }
        let mut persons: Vec<String> = affected.iter().map(|(_, p)| p.clone()).collect();
        persons.sort();
        persons.dedup();
        let mut events = Vec::new();
        for (record, person) in &affected {
            let detail = serde_json::json!({ "person": person, "record": record, "refresh": self.outcome.batch_id });
            let batch = Some(self.outcome.batch_id.as_str());
            let detail = detail.to_string();
            events.push(event_row(&new_id(), person, &self.received_at, batch, "removed", Some(record), &detail));
        }
        let model = self.linkage.model();
        let held = held_persons(self.tx.as_mut().expect(SETTLED), &self.store, &persons).await?;
        let mut moves = Vec::new();
        for h in &held {
            let forms: Vec<MatchRecord> = h.records.iter().map(|(_, m)| m.clone()).collect();
            for part in linked_parts(&model, &self.thresholds, &forms).into_iter().skip(1) {
                let into = new_id();
                self.created_persons.insert(into.clone());
                sqlx::query("INSERT INTO persons (id, created_at) VALUES ($1, $2)")
                    .bind(&into)
                    .bind(&self.received_at)
                    .execute(&mut **self.tx.as_mut().expect(SETTLED))
                    .await?;
                let records: Vec<String> = part.iter().map(|&i| h.records[i].0.clone()).collect();
                let detail = serde_json::json!({ "from": h.person_id, "into": into, "records": records, "by": null });
                for p in [&h.person_id, &into] {
                    let batch = Some(self.outcome.batch_id.as_str());
                    let detail = detail.to_string();
                    events.push(event_row(&new_id(), p, &self.received_at, batch, "split", None, &detail));
                }
                moves.extend(records.into_iter().map(|r| (r, h.person_id.clone(), into.clone())));
            }
        }
        self.move_records(&moves).await?;
        insert_events(self.tx.as_mut().expect(SETTLED), backend, events).await?;
        // Only the persons that lost records can be left with none (a whole-table sweep read
        // every person of the store on each refresh).
        delete_persons(self.tx.as_mut().expect(SETTLED), backend, &persons).await?;
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use dataward_core::partner::{Channel, IngestMode};
    use dataward_core::profile::LinkageThresholds;

    use super::BatchSource;
    use crate::partners::{NewPartner, Partner};
    use crate::store::{DEFAULT_INGEST_CACHE_MIB, SERVING_CACHE_KIB};
    use crate::testing::fresh_store;
    use crate::{Backend, Store};

    async fn cache_kib(conn: &mut sqlx::AnyConnection) -> i64 {
        let (size,): (i64,) = sqlx::query_as("PRAGMA cache_size").fetch_one(conn).await.unwrap();
        -size
    }

    fn now() -> jiff::Timestamp {
        "2026-11-01T10:00:00Z".parse().unwrap()
    }

    /// The page cache of a batch opened (and abandoned) for `partner`.
    async fn batch_cache_kib(store: &Store, partner: &Partner) -> i64 {
        let source = BatchSource {
            file_name: "f.csv".into(),
            format: "csv",
            mode: IngestMode::Append,
            linkage: LinkageThresholds { link: 0.999, possible: 0.9 },
        };
        let mut batch = store.begin_ingest(partner, source, now()).await.unwrap();
        cache_kib(batch.tx.as_mut().unwrap()).await
    }

    #[tokio::test]
    async fn a_sqlite_batch_gets_the_configured_page_cache() {
        let t = fresh_store(Backend::Sqlite).await;
        let new = NewPartner { name: "p".into(), channel: Channel::Competition, retention_days: 365 };
        let partner = t.store.add_partner(&new, now()).await.unwrap().0;
        assert_eq!(batch_cache_kib(&t.store, &partner).await, i64::from(DEFAULT_INGEST_CACHE_MIB) * 1024);
        let store = t.store.clone().with_ingest_cache_mib(3);
        assert_eq!(batch_cache_kib(&store, &partner).await, 3 * 1024);
        // The batches above were abandoned; their connections did not go back to the pool,
        // so every pooled connection still serves with the small cache.
        let mut conns = Vec::new();
        for _ in 0..4 {
            let mut conn = store.pool.acquire().await.unwrap();
            assert_eq!(cache_kib(&mut conn).await, i64::from(SERVING_CACHE_KIB));
            conns.push(conn);
        }
    }
}
