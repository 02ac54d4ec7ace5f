//! A batch's writes, applied in place or queued behind its linking.
//!
//! A chunk of a batch is linked, then written. On one task the two alternate, and the linking
//! of the next chunk waits for the last statement of this one: at 300,000 rows the SQLite
//! writer's thread was busy 58 % of the load and the linking thread 35 %, one after the other.
//! A batch that links from memory alone (a large batch into a small SQLite store, see
//! `held_block_keys` and `held_forms`) needs its connection only to write, so its writes go to
//! a task of their own that owns the transaction, and the next chunk links while this one is
//! written. The statements, and their order, are the ones the batch would run in place.
//!
//! At most one set of writes waits in the queue, so a batch never gets more than two chunks
//! ahead of its writes. The first failed write stops the task; the batch learns of it at its
//! next call (or at `finish`) and fails as a whole, and the task hands the transaction back to
//! be rolled back with everything else.

use sqlx::AnyConnection;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::StoreError;
use crate::ingest_rows::{BatchContext, LinkedRecord, store_linked};
use crate::ingest_tx::QuarantinedRow;
use crate::linkage::apply::{delete_persons, insert_events, insert_reviews, move_records};
use crate::sql::{OnFailure, Val, insert_rows, insert_rows_undoing};
use crate::write_tx::WriteTx;

/// Everything one chunk of records writes, in the order it is written.
pub(crate) struct ChunkWrites {
    pub context: BatchContext,
    /// Records that changed person: `(record, from, to)`.
    pub moves: Vec<(String, String, String)>,
    /// Persons left without records by those moves.
    pub emptied: Vec<String>,
    /// Persons created: id and creation time.
    pub new_persons: Vec<Vec<Val>>,
    pub linked: Vec<LinkedRecord>,
    pub events: Vec<Vec<Val>>,
    pub reviews: Vec<Vec<Val>>,
}

/// Rows of a batch that could not be stored.
pub(crate) struct QuarantineWrites {
    pub context: BatchContext,
    pub rows: Vec<QuarantinedRow>,
}

/// One set of writes of a batch.
pub(crate) enum Writes {
    Chunk(ChunkWrites),
    Quarantine(QuarantineWrites),
}

impl Writes {
    /// Runs the writes on the batch's transaction.
    pub(crate) async fn apply(self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        match self {
            Writes::Chunk(chunk) => chunk.apply(conn).await,
            Writes::Quarantine(quarantine) => quarantine.apply(conn).await,
        }
    }
}

impl ChunkWrites {
    async fn apply(self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        let backend = self.context.store.backend;
        move_records(conn, backend, &self.moves).await?;
        delete_persons(conn, backend, &self.emptied).await?;
        insert_rows_undoing(
            backend,
            OnFailure::RollBackTransaction,
            conn,
            "persons",
            &["id", "created_at"],
            self.new_persons,
        )
        .await?;
        store_linked(self.context, conn, self.linked).await?;
        insert_events(conn, backend, self.events).await?;
        insert_reviews(conn, backend, self.reviews).await
    }
}

impl QuarantineWrites {
    async fn apply(self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        let QuarantineWrites { context, rows } = self;
        if rows.is_empty() {
            return Ok(());
        }
        let scope = format!("quarantine:{}", context.batch_id);
        let key = context.store.scope_key(conn, &scope).await?;
        let values = rows
            .into_iter()
            .map(|q| {
                vec![
                    Val::Text(context.batch_id.clone()),
                    Val::Int(q.line as i64),
                    Val::OptText(q.field),
                    Val::Text(q.reason.code().to_string()),
                    Val::Text(q.detail),
                    Val::Blob(crate::codec::encode(&key, &scope, &q.raw)),
                ]
            })
            .collect();
        const COLUMNS: &[&str] = &["batch_id", "line_no", "field", "reason", "detail", "raw"];
        insert_rows(context.store.backend, conn, "quarantine", COLUMNS, values).await
    }
}

/// A task writing a batch's queued writes on its transaction, in order.
pub(crate) struct WriteQueue {
    writes: mpsc::Sender<Writes>,
    task: JoinHandle<(WriteTx, Result<(), StoreError>)>,
}

impl WriteQueue {
    /// Hands `tx` to a new writing task.
    pub(crate) fn start(mut tx: WriteTx) -> WriteQueue {
        let (writes, mut queued) = mpsc::channel::<Writes>(1);
        let task = tokio::spawn(async move {
            while let Some(w) = queued.recv().await {
                if let Err(e) = w.apply(&mut tx).await {
                    return (tx, Err(e));
                }
            }
            (tx, Ok(()))
        });
        WriteQueue { writes, task }
    }

    /// Queues `writes`, waiting while a set is already waiting. `false` when the task has
    /// stopped on a failed write (which [`WriteQueue::finish`] returns).
    pub(crate) async fn push(&self, writes: Writes) -> bool {
        self.writes.send(writes).await.is_ok()
    }

    /// Waits for every queued write and takes the transaction back, with the first failure.
    /// `Err` alone when the task itself failed (a panic): its transaction was dropped, so
    /// rolled back.
    pub(crate) async fn finish(self) -> Result<(WriteTx, Result<(), StoreError>), StoreError> {
        drop(self.writes);
        self.task.await.map_err(|e| StoreError::Corrupt(format!("a batch's writing task failed: {e}")))
    }
}
