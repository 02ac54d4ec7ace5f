//! Write transactions. SQLite has one writer at a time; a connection that finds the write lock
//! taken sleeps in SQLite's busy handler with growing pauses (1, 2, 5, 10 … 100 ms) and tries
//! again, so under a stream of recorded client requests writers overtook each other and a few
//! waited tens or hundreds of milliseconds. On SQLite every writer of this process therefore
//! queues first, in arrival order, on one asynchronous lock (the *write turn*), and then takes
//! the database's write lock at once (`BEGIN IMMEDIATE`), which also spares it the failure of a
//! deferred transaction that reads before it writes. Other processes (a command-line ingest)
//! still meet SQLite's busy timeout. PostgreSQL has row locks and needs neither.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::store::Backend;
use crate::{Store, StoreError};

/// How long a writer waits for its turn before giving up, as SQLite's own busy timeout does.
const TURN_TIMEOUT: Duration = Duration::from_secs(10);

/// The queue writers of one SQLite store wait in (shared by every clone of the `Store`).
#[derive(Debug, Clone, Default)]
pub(crate) struct WriteTurn(Arc<Mutex<()>>);

/// An open write transaction, holding the write turn until it is committed or dropped. Use it
/// as a connection (`&mut *tx`).
pub(crate) struct WriteTx {
    // Declared before the turn so that a dropped transaction is rolled back before the next
    // writer is let in.
    tx: Transaction<'static, Any>,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }

    pub(crate) async fn rollback(self) -> Result<(), StoreError> {
        self.tx.rollback().await?;
        Ok(())
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl Store {
    /// Opens a transaction that writes (and may read first). On SQLite it waits for this
    /// process's write turn and then takes the database's write lock at once; see the module
    /// documentation.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        match self.backend {
            Backend::Sqlite => {
                let turn = tokio::time::timeout(TURN_TIMEOUT, self.write_turn.0.clone().lock_owned())
                    .await
                    .map_err(|_| StoreError::Conflict("the store is busy with another write; try again".into()))?;
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(WriteTx { tx, _turn: Some(turn) })
            }
            Backend::Postgres => Ok(WriteTx { tx: self.pool.begin().await?, _turn: None }),
        }
    }
}
