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

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Executor, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

use crate::store::Backend;
use crate::{Store, StoreError};

/// How long a writer waits for its turn before giving up, as SQLite's own busy timeout does.
const TURN_TIMEOUT: Duration = Duration::from_secs(10);

/// The queue writers of one SQLite store wait in (shared by every clone of the `Store`).
#[derive(Debug, Clone, Default)]
pub(crate) struct WriteTurn(pub(crate) Arc<Mutex<()>>);

/// An open write transaction, holding the write turn until it is committed or dropped. Use it
/// as a connection (`&mut *tx`).
pub(crate) struct WriteTx {
    // Declared before the turn so that a dropped transaction is rolled back before the next
    // writer is let in.
    tx: Held,
    _turn: Option<OwnedMutexGuard<()>>,
}

/// The connection a write transaction runs on.
enum Held {
    /// A pooled connection that goes back to the pool afterwards (sqlx's own transaction).
    Pooled(Transaction<'static, Any>),
    /// A connection closed afterwards, committed or not (see [`Store::begin_dedicated_write`]):
    /// the transaction is begun and committed by statement, and a connection closed with its
    /// transaction open rolls it back.
    Dedicated(PoolConnection<Any>),
}

impl WriteTx {
    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self.tx {
            Held::Pooled(tx) => tx.commit().await?,
            Held::Dedicated(mut conn) => {
                conn.execute("COMMIT").await?;
                // Closed now, before the write turn passes on, rather than by a task later.
                conn.close().await?;
            }
        }
        Ok(())
    }

    pub(crate) async fn rollback(self) -> Result<(), StoreError> {
        match self.tx {
            Held::Pooled(tx) => tx.rollback().await?,
            Held::Dedicated(mut conn) => {
                conn.execute("ROLLBACK").await?;
            }
        }
        Ok(())
    }
}

impl Deref for WriteTx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        match &self.tx {
            Held::Pooled(tx) => tx,
            Held::Dedicated(conn) => conn,
        }
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        match &mut self.tx {
            Held::Pooled(tx) => tx,
            Held::Dedicated(conn) => conn,
        }
    }
}

impl Store {
    /// Opens a transaction that writes (and may read first). On SQLite it waits for this
    /// process's write turn and then takes the database's write lock at once; see the module
    /// documentation.
    pub(crate) async fn begin_write(&self) -> Result<WriteTx, StoreError> {
        match self.backend {
            Backend::Sqlite => {
                let turn = self.write_turn().await?;
                let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
                Ok(WriteTx { tx: Held::Pooled(tx), _turn: Some(turn) })
            }
            Backend::Postgres => Ok(WriteTx { tx: Held::Pooled(self.pool.begin().await?), _turn: None }),
        }
    }

    /// Like [`Store::begin_write`], on a connection that is closed when the transaction ends
    /// instead of going back to the pool: for a transaction that changes its connection's
    /// settings (an ingest batch's page cache), so that neither a finished nor an abandoned one
    /// hands those settings, or the memory they hold, to the next user of the pool.
    pub(crate) async fn begin_dedicated_write(&self) -> Result<WriteTx, StoreError> {
        let turn = match self.backend {
            Backend::Sqlite => Some(self.write_turn().await?),
            Backend::Postgres => None,
        };
        let mut conn = self.pool.acquire().await?;
        conn.close_on_drop();
        conn.execute(match self.backend {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        })
        .await?;
        Ok(WriteTx { tx: Held::Dedicated(conn), _turn: turn })
    }

    /// Waits for this process's SQLite write turn, giving up as SQLite's busy timeout would.
    pub(crate) async fn write_turn(&self) -> Result<OwnedMutexGuard<()>, StoreError> {
        tokio::time::timeout(TURN_TIMEOUT, self.write_turn.0.clone().lock_owned())
            .await
            .map_err(|_| StoreError::Conflict("the store is busy with another write; try again".into()))
    }
}
