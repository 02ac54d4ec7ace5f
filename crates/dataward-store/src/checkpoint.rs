//! Background WAL checkpoints for a SQLite file store, in two phases.
//!
//! By default SQLite checkpoints inside a commit: the connection whose commit takes the
//! write-ahead log past 1,000 pages copies the log back into the database file and `fsync`s it
//! before its commit returns. Every client request commits (its ledger rows, about 23 pages), so
//! about one trace in forty paid for a checkpoint: on this kind of disk an `fsync` after a
//! thousand scattered page writes takes about 14 ms, which made the whole of a trace's p99 (in
//! process on 100,000 persons, 13-14 ms against a p50 of 2.4 ms).
//!
//! A plain background checkpoint is not enough: SQLite starts the log again from its beginning
//! only when a writer finds every frame already copied, and with writers appending all the time a
//! checkpoint running beside them never catches up, so the log grew without bound (an earlier
//! attempt: 565 MB after 6,000 traces, and every read searching it). So the task here works in
//! two phases (timing: [`SERVING`]):
//!
//! 1. a `PASSIVE` checkpoint on its own connection, beside readers and writers: it copies and
//!    `fsync`s nearly the whole log while requests carry on;
//! 2. when the log has reached the policy's restart length, one to three more passes while
//!    writers appended much meanwhile, then a second `PASSIVE` checkpoint holding the
//!    process's SQLite write turn (see `write_tx`): no writer of this process can append
//!    meanwhile, so it copies the few frames written since phase 1 and completes, and the next
//!    writer starts the log again from the beginning. Writers wait only for those few frames.
//!
//! Commits keep an inline checkpoint as a safety net at [`INLINE_CHECKPOINT_PAGES`], which only a
//! stalled task or another process's large write reaches. The task stops when the last clone of
//! its store is dropped or the store is closed.

use std::sync::Arc;
use std::time::Duration;

use sqlx::{AnyConnection, Connection};
use tokio::sync::Mutex;
use tokio::task::AbortHandle;

/// When the task checkpoints and when it starts the log again.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// How often phase 1 runs.
    pub(crate) every: Duration,
    /// The log length, in frames (pages), from which phase 2 runs and the log starts again.
    pub(crate) restart_frames: i64,
}

/// The policy of a serving store: phase 1 every 100 ms, phase 2 from 8,000 frames (about
/// 32 MiB, some 470 recorded traces). Each phase costs the two cores an `fsync` and each phase 2
/// makes writers wait, so once a trace's reads and recording ran in place (`direct`) and a trace
/// took about 1 ms, frequent small checkpoints became the largest cost. Measured on 100,000
/// persons at 2 concurrent traces over HTTP: 300 frames every 10 ms served 755-921 requests/s,
/// p99 9.9-11.6 ms; 3,000 every 50 ms about 1,000 requests/s, p99 8.8-14.6 ms; 8,000 every
/// 100 ms 1,050 requests/s, p99 6.6 ms. (At 8 concurrent traces, on two cores, p99 is about
/// 30 ms either way: requests queue.)
pub(crate) const SERVING: Policy = Policy { every: Duration::from_millis(100), restart_frames: 8_000 };

/// `wal_autocheckpoint` of every connection that writes: the log size, in pages, at which a
/// commit still checkpoints by itself (about 80 MiB), far enough above
/// [`SERVING`]`.restart_frames` that a busy second does not reach it before phase 2 runs.
pub(crate) const INLINE_CHECKPOINT_PAGES: u32 = 20_000;

/// Phase 1 passes repeated before phase 2, at most, while more than [`PHASE_2_FRAMES`] remain.
const CATCH_UP_PASSES: usize = 3;
/// Frames left uncopied that phase 2 may take on while writers wait.
const PHASE_2_FRAMES: i64 = 100;

/// How long phase 2 waits for the write turn before leaving it to the next tick.
const TURN_WAIT: Duration = Duration::from_secs(1);

/// The running task; aborted when the last clone of its store goes.
#[derive(Debug)]
pub(crate) struct Checkpointer(AbortHandle);

impl Checkpointer {
    /// Stops the task (its connection closes with it).
    pub(crate) fn stop(&self) {
        self.0.abort();
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A passive checkpoint's outcome, as `PRAGMA wal_checkpoint` reports it.
struct Pass {
    /// Frames in the log.
    log: i64,
    /// Frames of the log now copied into the database file.
    copied: i64,
}

/// Runs one passive checkpoint on `conn`.
async fn checkpoint_passive(conn: &mut AnyConnection) -> Result<Pass, sqlx::Error> {
    let (_busy, log, copied): (i64, i64, i64) =
        sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(conn).await?;
    Ok(Pass { log, copied })
}

/// Starts the checkpoint task for the SQLite file store at `url`, whose writers queue on
/// `write_turn`. The task has a connection of its own, so that a checkpoint never holds one of
/// the pool's few connections; it runs until [`Checkpointer::stop`] or the checkpointer's drop,
/// and its connection closes with it.
pub(crate) async fn start(url: &str, write_turn: Arc<Mutex<()>>) -> Result<Arc<Checkpointer>, sqlx::Error> {
    start_with(url, write_turn, SERVING).await
}

/// [`start`] with a policy of the caller's.
pub(crate) async fn start_with(
    url: &str,
    write_turn: Arc<Mutex<()>>,
    policy: Policy,
) -> Result<Arc<Checkpointer>, sqlx::Error> {
    let mut conn = AnyConnection::connect(url).await?;
    let task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(policy.every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // A failure (another process checkpointing, a busy file) is retried on the next tick;
            // commits still checkpoint inline past the safety net meanwhile.
            if let Err(e) = run_once(&mut conn, &write_turn, policy.restart_frames).await {
                tracing::debug!(error = %e, "background WAL checkpoint failed; retrying on the next tick");
            }
        }
    });
    Ok(Arc::new(Checkpointer(task.abort_handle())))
}

/// One tick: phase 1, then phase 2 when the log is long enough to start again.
async fn run_once(
    conn: &mut AnyConnection,
    write_turn: &Arc<Mutex<()>>,
    restart_frames: i64,
) -> Result<(), sqlx::Error> {
    let mut pass = checkpoint_passive(conn).await?;
    if pass.log < restart_frames {
        return Ok(());
    }
    // Phase 1 again while writers appended much during the last pass, so that phase 2, which
    // writers wait for, has only a few frames left to copy and sync.
    for _ in 0..CATCH_UP_PASSES {
        if pass.log - pass.copied <= PHASE_2_FRAMES {
            break;
        }
        pass = checkpoint_passive(conn).await?;
    }
    let Ok(_turn) = tokio::time::timeout(TURN_WAIT, write_turn.clone().lock_owned()).await else {
        return Ok(());
    };
    checkpoint_passive(conn).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use crate::Backend;
    use crate::testing::fresh_store;

    fn file_size(path: &str) -> u64 {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }

    /// Polls until `done` holds, for at most five seconds.
    async fn eventually(mut done: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if done() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    #[tokio::test]
    async fn committed_pages_reach_the_database_file_without_an_inline_checkpoint() {
        let test = fresh_store(Backend::Sqlite).await;
        let path = crate::store::sqlite_path_of_url(&test.url);
        // About 2 MiB of new pages: far below the inline safety net of about 40 MiB, so only the
        // background task can copy them into the database file.
        let before = file_size(path);
        let value = "x".repeat(10_000);
        for i in 0..200 {
            test.store.set_meta(&format!("checkpoint-test-{i}"), &value).await.expect("write");
        }
        let mut conn = test.store.pool.acquire().await.expect("a connection");
        let (inline,): (i64,) =
            sqlx::query_as("PRAGMA wal_autocheckpoint").fetch_one(&mut *conn).await.expect("pragma");
        assert_eq!(inline, i64::from(super::INLINE_CHECKPOINT_PAGES));
        drop(conn);
        assert!(
            eventually(|| file_size(path) >= before + 1_500_000).await,
            "the database file stayed near {before} bytes"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_log_starts_again_under_a_steady_stream_of_writes() {
        let mut test = fresh_store(Backend::Sqlite).await;
        let wal = format!("{}-wal", crate::store::sqlite_path_of_url(&test.url));
        // A policy that restarts the log far below the inline safety net (the serving policy
        // restarts it near the net, where a log that never restarts would also stay).
        let small = super::Policy { every: Duration::from_millis(10), restart_frames: 300 };
        let task = super::start_with(&test.url, test.store.write_turn.0.clone(), small).await.expect("start");
        test.store.checkpointer = Some(task);
        // Four writers that never pause, so some writer always waits for the write turn, and
        // readers beside them: the log must still start again and stay far below the inline
        // safety net (10,000 pages, about 40 MB), which is what a serving store needs.
        let value = "y".repeat(8_000);
        const WRITES_EACH: u64 = 1_500;
        let mut writers = Vec::new();
        for w in 0..4 {
            let store = test.store.clone();
            let value = value.clone();
            writers.push(tokio::spawn(async move {
                for n in 0..WRITES_EACH {
                    store.set_meta(&format!("stream-{w}-{}", n % 200), &value).await.expect("write");
                }
            }));
        }
        // Readers beside them, as a serving store has: each read holds a snapshot of the log.
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut readers = Vec::new();
        for r in 0..2 {
            let store = test.store.clone();
            let done = done.clone();
            readers.push(tokio::spawn(async move {
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    store.meta(&format!("stream-{r}-7")).await.expect("read");
                }
            }));
        }
        for w in writers {
            w.await.expect("writer");
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        for r in readers {
            r.await.expect("reader");
        }
        // Each write puts at least its two overflow pages and a leaf into the log: about 18,000
        // pages in all, well past the inline safety net.
        let pages_written = 4 * WRITES_EACH * 3;
        let log = file_size(&wal);
        // The log file is reused from its start after each restart, so its size is its longest
        // extent: phase 2 keeps it near 300 frames plus what one tick writes.
        assert!(log < 8_000 * 4_120, "the log grew to {log} bytes after about {pages_written} pages");
    }

    #[tokio::test]
    async fn the_task_stops_with_its_store() {
        let test = fresh_store(Backend::Sqlite).await;
        let handle = test.store.checkpointer.as_ref().expect("a file store checkpoints").0.clone();
        drop(test);
        assert!(eventually(|| handle.is_finished()).await);
    }
}
