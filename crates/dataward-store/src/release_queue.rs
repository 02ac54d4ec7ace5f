//! Group commit for recorded client requests.
//!
//! Every client request is recorded (the request with its decisions, its ledger rows and its
//! audit entry) in a transaction that commits before the answer is built. One transaction per
//! request made the commit the busiest step under concurrent load: on SQLite every request
//! waited its turn for the single writer, on PostgreSQL every commit waited for its own WAL
//! flush. So a request to record joins a queue, and whichever waiting request gets the queue's
//! writer lock writes every queued recording in one transaction and then tells each waiting
//! request whether its rows committed. An answer still leaves only after the transaction holding
//! its rows has committed; a request whose recording failed gets an error and releases nothing.
//! If a shared transaction fails, each recording is written again in a transaction of its own,
//! so one bad recording (a client reusing a request id) fails only its own request.

use std::sync::Arc;

use tokio::sync::oneshot;

use dataward_core::audit::NewAuditEntry;

use crate::audit::append_many_with;
use crate::exec::Exec;
use crate::release::{Disclosure, RequestRecord};
use crate::release_statement::{AuditHead, write_in_one_statement};
use crate::sql::{Val, insert_rows};
use crate::{Backend, Store, StoreError};

/// One request as it will be recorded.
pub(crate) struct Recording {
    pub(crate) request: RequestRecord,
    /// The decisions in their stored form (`decisions_codec`).
    pub(crate) decisions: String,
    pub(crate) decision_count: usize,
    pub(crate) disclosures: Vec<Disclosure>,
    /// `request.at` as a timestamp (the audit entry's time).
    pub(crate) at: jiff::Timestamp,
}

type Waiting = (Recording, oneshot::Sender<Result<(), String>>);

/// The recordings waiting to be written, and the lock of whoever writes them.
#[derive(Debug, Default)]
pub(crate) struct ReleaseQueue {
    waiting: std::sync::Mutex<Vec<Waiting>>,
    writer: Arc<tokio::sync::Mutex<()>>,
    /// The audit head the last batch left, for writing the next in one statement (PostgreSQL).
    pub(crate) audit_head: AuditHead,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Recording({})", self.request.id)
    }
}

impl Store {
    /// Records `recording`, with whatever other recordings are waiting, and returns once the
    /// transaction holding it has committed.
    pub(crate) async fn record_queued(&self, recording: Recording) -> Result<(), StoreError> {
        let (done, outcome) = oneshot::channel();
        self.releases.waiting.lock().expect("release queue lock").push((recording, done));
        let writer = self.releases.writer.clone().lock_owned().await;
        // Empty when an earlier writer already took this recording with its own.
        let batch = std::mem::take(&mut *self.releases.waiting.lock().expect("release queue lock"));
        if batch.is_empty() {
            drop(writer);
        } else {
            // Written by a task of its own, holding the writer lock until done: if this request
            // is cancelled (its client hung up), the others in the batch still get their answer.
            let store = self.clone();
            tokio::spawn(async move {
                store.write_batch(batch).await;
                drop(writer);
            });
        }
        match outcome.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(reason)) => Err(StoreError::NotRecorded(reason)),
            Err(_) => Err(StoreError::NotRecorded("the writer stopped before it was written".into())),
        }
    }

    async fn write_batch(&self, batch: Vec<Waiting>) {
        let (recordings, senders): (Vec<Recording>, Vec<_>) = batch.into_iter().unzip();
        let together = self.write_recordings(&recordings).await;
        if together.is_ok() || recordings.len() == 1 {
            let outcome = together.map_err(|e| e.to_string());
            for sender in senders {
                let _ = sender.send(outcome.clone());
            }
            return;
        }
        for (recording, sender) in recordings.iter().zip(senders) {
            let outcome = self.write_recordings(std::slice::from_ref(recording)).await.map_err(|e| e.to_string());
            let _ = sender.send(outcome);
        }
    }

    /// Writes `recordings` in one transaction: a handful of statements whatever their number.
    /// On a SQLite file store they are written in place (`direct`) unless another process holds
    /// the write lock; on PostgreSQL in one statement when this process knows the audit head
    /// (`release_statement`).
    async fn write_recordings(&self, recordings: &[Recording]) -> Result<(), StoreError> {
        if let Some(direct) = &self.direct {
            let turn = self.write_turn().await?;
            if let Some(mut write) = direct.begin_write()? {
                write_recordings_on(self.backend, write.conn_mut(), recordings).await?;
                write.commit()?;
                return Ok(());
            }
            drop(turn);
        }
        if self.backend == Backend::Postgres
            && let Some(head) = self.releases.audit_head.get()
        {
            let mut conn = self.pool.acquire().await?;
            match write_in_one_statement(&mut *conn, &head, recordings).await? {
                Some(new_head) => {
                    self.releases.audit_head.set(Some(new_head));
                    return Ok(());
                }
                None => self.releases.audit_head.set(None),
            }
        }
        let mut tx = self.begin_write().await?;
        let head = write_recordings_on(self.backend, &mut *tx, recordings).await?;
        tx.commit().await?;
        if self.backend == Backend::Postgres {
            self.releases.audit_head.set(Some(head));
        }
        Ok(())
    }
}

/// The statements of [`Store::write_recordings`], inside the caller's transaction. Returns the
/// audit head they leave: the last entry's number and hash.
async fn write_recordings_on(
    backend: Backend,
    conn: &mut impl Exec,
    recordings: &[Recording],
) -> Result<(i64, String), StoreError> {
    insert_rows(backend, conn, "client_requests", REQUEST_COLUMNS, request_rows(recordings)).await?;
    insert_rows(backend, conn, "disclosures", LEDGER_COLUMNS, ledger_rows(recordings)).await?;
    let chained = append_many_with(backend, conn, &audit_entries(recordings)?).await?;
    let last = chained.last().ok_or_else(|| StoreError::Corrupt("a recording appended no audit entry".into()))?;
    Ok((last.seq, last.hash.clone()))
}

/// The columns of `client_requests`, in the order of [`request_rows`].
pub(crate) const REQUEST_COLUMNS: &[&str] =
    &["id", "client_id", "kind", "purpose", "at", "person_id", "band", "decisions"];

/// One `client_requests` row per recording.
pub(crate) fn request_rows(recordings: &[Recording]) -> Vec<Vec<Val>> {
    recordings
        .iter()
        .map(|r| {
            let q = &r.request;
            vec![
                Val::Text(q.id.clone()),
                Val::Text(q.client_id.clone()),
                Val::Text(q.kind.clone()),
                Val::Text(q.purpose.clone()),
                Val::Text(q.at.clone()),
                Val::OptText(q.person_id.clone()),
                Val::Text(q.band.clone()),
                Val::Text(r.decisions.clone()),
            ]
        })
        .collect()
}

/// The columns of `disclosures`, in the order of [`ledger_rows`].
pub(crate) const LEDGER_COLUMNS: &[&str] = &[
    "request_id",
    "client_id",
    "purpose",
    "basis",
    "person_id",
    "category",
    "field",
    "disclosure",
    "source_record_id",
    "partner_id",
    "at",
];

/// One ledger row per disclosure of every recording.
pub(crate) fn ledger_rows(recordings: &[Recording]) -> Vec<Vec<Val>> {
    let mut ledger = Vec::new();
    for r in recordings {
        let q = &r.request;
        // `record_release` refused disclosures without a person.
        let person = q.person_id.clone().unwrap_or_default();
        for d in &r.disclosures {
            ledger.push(vec![
                Val::Text(q.id.clone()),
                Val::Text(q.client_id.clone()),
                Val::Text(q.purpose.clone()),
                Val::Text(d.basis.clone()),
                Val::Text(person.clone()),
                Val::Text(d.category.clone()),
                Val::Text(d.field.clone()),
                Val::Text(d.disclosure.to_string()),
                Val::Text(d.source_record_id.clone()),
                Val::Text(d.partner_id.clone()),
                Val::Text(q.at.clone()),
            ]);
        }
    }
    ledger
}

/// One audit entry per recording (counts and codes, never a value), each at its request's time.
pub(crate) fn audit_entries(recordings: &[Recording]) -> Result<Vec<(NewAuditEntry, jiff::Timestamp)>, StoreError> {
    let mut entries = Vec::with_capacity(recordings.len());
    for r in recordings {
        let q = &r.request;
        let values = r.disclosures.iter().filter(|d| d.disclosure == "value").count();
        let detail = serde_json::json!({
            "kind": q.kind, "purpose": q.purpose, "band": q.band, "person": q.person_id,
            "decisions": r.decision_count, "disclosures": r.disclosures.len(), "values": values,
        });
        let actor = dataward_core::audit::Actor::Client(q.client_id.clone());
        entries.push((NewAuditEntry::new(actor, "client_request", &q.id, detail)?, r.at));
    }
    Ok(entries)
}
