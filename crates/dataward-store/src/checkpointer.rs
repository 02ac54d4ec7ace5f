//! Background WAL checkpoints for a SQLite store.
//!
//! By default SQLite checkpoints inside a commit: the connection whose commit takes the WAL past
//! 1,000 pages copies them into the database file and syncs it before its commit returns. Under
//! a stream of recorded client requests that put a sync of several milliseconds into one request
//! in a hundred or so, which is the whole of the tail latency. The store's own connections
//! therefore never checkpoint (`wal_autocheckpoint = 0`); this task does instead, on a
//! connection of its own, at a short interval. A passive checkpoint waits for no reader and no
//! writer, so requests never wait for it. The task ends within one interval once every clone of
//! the `Store` is gone; the last connection to close then checkpoints what is left, as SQLite
//! always does.

use std::sync::{Arc, Weak};
use std::time::Duration;

use sqlx::{AnyConnection, Connection, Executor};

/// How often the WAL is checkpointed.
const INTERVAL: Duration = Duration::from_millis(250);

/// Kept by every clone of a `Store`; the task stops when the last one is dropped.
#[derive(Debug, Default)]
pub(crate) struct Alive;

/// Starts the checkpoint task for the SQLite database at `url` (a URL the pool opened).
pub(crate) fn start(url: String) -> Arc<Alive> {
    let alive = Arc::new(Alive);
    let watch: Weak<Alive> = Arc::downgrade(&alive);
    tokio::spawn(async move {
        let Ok(mut conn) = AnyConnection::connect(&url).await else {
            // Without its connection the store still works: nothing checkpoints until the
            // last connection closes, and SQLite reads through a longer WAL meanwhile.
            tracing::warn!("could not open the WAL checkpoint connection; checkpoints wait for the store to close");
            return;
        };
        loop {
            tokio::time::sleep(INTERVAL).await;
            if watch.strong_count() == 0 {
                break;
            }
            if let Err(e) = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
                tracing::warn!(error = %e, "WAL checkpoint failed; trying again later");
            }
        }
        let _ = conn.close().await;
    });
    alive
}
