//! Direct SQLite statements for a client request's path.
//!
//! sqlx runs each SQLite connection on a worker thread of its own: every statement is a command
//! sent to that thread and rows sent back, so a statement costs two thread switches whatever
//! its work. Measured on a two-core machine, a one-row indexed read took 0.20 ms that way, and
//! the kernel's scheduling and futex calls were the largest part of a loaded server's profile.
//! A trace makes five reads and then about seven statements to record itself. So a SQLite file
//! store keeps a few connections of its own and runs those statements on the calling thread
//! (indexed reads of pages the operating system already caches, and small inserts: tens of
//! microseconds each, not worth a thread switch). sqlx has no way to run a statement in place,
//! hence this module.
//!
//! - **Reads** ([`Store::read_rows`]) use read-only connections (`query_only`), each statement
//!   autocommitted as through sqlx, with the same SQL text; rows are decoded by the same
//!   functions (`row::Cols`).
//! - **The recording of client requests** (`release_queue`) uses one writer connection, in
//!   this process's write turn. It never waits for the database's write lock on the calling
//!   thread: its busy timeout is zero, and when another process holds the lock the recording
//!   goes through sqlx, which waits on its own thread.
//!
//! PostgreSQL and in-memory stores go through sqlx throughout.

use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};

use crate::row::Cols;
use crate::sql::{Val, any_query};
use crate::{Store, StoreError};

/// Idle connections kept; more may be opened while more requests read at once.
const MAX_IDLE: usize = 8;
/// Prepared statements kept per connection (a lookup's text varies with its number of keys).
const STATEMENT_CACHE: usize = 64;

/// The direct connections of one SQLite file store.
#[derive(Debug)]
pub(crate) struct DirectConnections {
    path: PathBuf,
    /// Idle read connections; `None` once the store is closed.
    idle: Mutex<Option<Vec<Connection>>>,
    /// The writer, while idle (`None` when in use, not yet opened, or closed).
    writer: Mutex<Option<Connection>>,
}

impl DirectConnections {
    /// Connections to the (already migrated) SQLite file at `path`, opened when first needed.
    pub(crate) fn new(path: impl Into<PathBuf>) -> DirectConnections {
        DirectConnections { path: path.into(), idle: Mutex::new(Some(Vec::new())), writer: Mutex::new(None) }
    }

    fn is_closed(&self) -> bool {
        self.idle.lock().expect("direct reads lock").is_none()
    }

    fn open(&self) -> Result<Connection, StoreError> {
        // Read-write at the file level even for reads: a WAL reader writes its read mark into
        // the shared-memory index. `query_only` then refuses any change to the database.
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch(&format!(
            "PRAGMA query_only = ON; PRAGMA busy_timeout = 10000; PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -{};",
            crate::store::SERVING_CACHE_KIB
        ))?;
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        Ok(conn)
    }

    /// The writer connection: the pooled connections' settings (`Store::open`), except that it
    /// never waits for the write lock (see the module documentation).
    fn open_writer(&self) -> Result<Connection, StoreError> {
        let conn = self.open()?;
        conn.execute_batch(&format!(
            "PRAGMA query_only = OFF; PRAGMA busy_timeout = 0; PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = {};",
            crate::checkpoint::INLINE_CHECKPOINT_PAGES
        ))?;
        Ok(conn)
    }

    /// The writer inside a transaction holding the database's write lock (`BEGIN IMMEDIATE`);
    /// `None` when the store is closed or another process holds the lock. The caller must hold
    /// this process's write turn. Dropped without [`DirectWrite::commit`], it rolls back.
    pub(crate) fn begin_write(&self) -> Result<Option<DirectWrite<'_>>, StoreError> {
        if self.is_closed() {
            return Ok(None);
        }
        let taken = self.writer.lock().expect("direct writer lock").take();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open_writer()?,
        };
        let mut write = DirectWrite { owner: self, conn: Some(conn) };
        match write.conn_mut().execute_batch("BEGIN IMMEDIATE") {
            Ok(()) => Ok(Some(write)),
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::DatabaseBusy => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Runs `read` on an idle connection (or a new one), `None` when the store is closed.
    fn with<T>(&self, read: impl FnOnce(&Connection) -> Result<T, StoreError>) -> Option<Result<T, StoreError>> {
        let taken = {
            let mut idle = self.idle.lock().expect("direct reads lock");
            match idle.as_mut() {
                None => return None,
                Some(idle) => idle.pop(),
            }
        };
        let conn = match taken {
            Some(conn) => conn,
            None => match self.open() {
                Ok(conn) => conn,
                Err(e) => return Some(Err(e)),
            },
        };
        let result = read(&conn);
        if let Some(idle) = self.idle.lock().expect("direct reads lock").as_mut()
            && idle.len() < MAX_IDLE
        {
            idle.push(conn);
        }
        Some(result)
    }

    /// Closes the idle connections; later statements go through sqlx (and find its pool closed).
    pub(crate) fn close(&self) {
        self.idle.lock().expect("direct reads lock").take();
        self.writer.lock().expect("direct writer lock").take();
    }
}

/// The writer connection inside a write transaction (see [`DirectConnections::begin_write`]).
pub(crate) struct DirectWrite<'a> {
    owner: &'a DirectConnections,
    conn: Option<Connection>,
}

impl DirectWrite<'_> {
    /// The connection, for the transaction's statements (`exec::Exec`).
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        self.conn.as_mut().expect("held until dropped")
    }

    pub(crate) fn commit(mut self) -> Result<(), StoreError> {
        self.conn_mut().execute_batch("COMMIT")?;
        Ok(())
    }
}

impl Drop for DirectWrite<'_> {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        if !conn.is_autocommit() && conn.execute_batch("ROLLBACK").is_err() {
            return; // closed with the connection, which ends its transaction
        }
        // Back to idle unless the store closed; holding the readers' lock meanwhile, so that a
        // `close` cannot come between the check and the return.
        let idle = self.owner.idle.lock().expect("direct reads lock");
        if idle.is_some() {
            *self.owner.writer.lock().expect("direct writer lock") = Some(conn);
        }
    }
}

/// Runs `sql` on `conn` and decodes each row.
pub(crate) fn query_on<T>(
    conn: &Connection,
    sql: &str,
    binds: &[Val],
    decode: &impl Fn(&dyn Cols) -> Result<T, StoreError>,
) -> Result<Vec<T>, StoreError> {
    let mut statement = conn.prepare_cached(sql)?;
    let mut rows = statement.query(rusqlite::params_from_iter(binds.iter()))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(decode(row)?);
    }
    Ok(out)
}

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Val::Text(s) => ValueRef::Text(s.as_bytes()),
            Val::OptText(Some(s)) => ValueRef::Text(s.as_bytes()),
            Val::Int(i) => ValueRef::Integer(*i),
            Val::Real(f) => ValueRef::Real(*f),
            Val::Blob(b) => ValueRef::Blob(b),
            Val::OptBlob(Some(b)) => ValueRef::Blob(b),
            Val::OptText(None) | Val::OptBlob(None) => ValueRef::Null,
        }))
    }
}

impl Store {
    /// Runs the read `sql` (written for both engines, parameters bound in order) and decodes
    /// each row: on the calling thread for a SQLite file store, through sqlx otherwise.
    pub(crate) async fn read_rows<T>(
        &self,
        sql: &str,
        binds: &[Val],
        decode: impl Fn(&dyn Cols) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        if let Some(direct) = &self.direct
            && let Some(result) = direct.with(|conn| query_on(conn, sql, binds, &decode))
        {
            return result;
        }
        let rows = any_query(sql.to_string(), binds.iter().cloned()).fetch_all(&self.pool).await?;
        rows.iter().map(|row| decode(row)).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::Backend;
    use crate::row::Cols;
    use crate::sql::Val;
    use crate::testing::fresh_store;

    fn meta_value(row: &dyn Cols) -> Result<String, crate::StoreError> {
        row.text("value")
    }

    const META: &str = "SELECT value FROM meta WHERE key = $1";

    #[tokio::test]
    async fn a_file_store_reads_in_place_and_sees_each_commit_at_once() {
        let test = fresh_store(Backend::Sqlite).await;
        let direct = test.store.direct.as_ref().expect("a SQLite file store reads in place");
        for i in 0..20 {
            let value = format!("v{i}");
            test.store.set_meta("direct-test", &value).await.expect("write through sqlx");
            let read = test.store.read_rows(META, &[Val::Text("direct-test".into())], meta_value).await.expect("read");
            assert_eq!(read, vec![value.clone()], "a direct read missed commit {i}");
            let in_place = direct
                .with(|conn| super::query_on(conn, META, &[Val::Text("direct-test".into())], &meta_value))
                .expect("open")
                .expect("read");
            assert_eq!(in_place, vec![value]);
        }
    }

    #[tokio::test]
    async fn direct_connections_refuse_to_write() {
        let test = fresh_store(Backend::Sqlite).await;
        let direct = test.store.direct.as_ref().expect("direct reads");
        let outcome = direct
            .with(|conn| Ok(conn.execute("INSERT INTO meta (key, value) VALUES ('direct-write', 'x')", [])?))
            .expect("open");
        let error = outcome.expect_err("a direct connection wrote").to_string();
        assert!(error.contains("readonly") || error.contains("read-only"), "{error}");
        assert_eq!(test.store.meta("direct-write").await.expect("read"), None);
    }

    #[tokio::test]
    async fn concurrent_reads_each_get_a_connection_and_few_stay_open() {
        let test = fresh_store(Backend::Sqlite).await;
        test.store.set_meta("direct-test", "shared").await.expect("write");
        let reads = (0..32).map(|_| {
            let store = test.store.clone();
            tokio::spawn(async move { store.read_rows(META, &[Val::Text("direct-test".into())], meta_value).await })
        });
        for read in futures_util::future::join_all(reads).await {
            assert_eq!(read.expect("task").expect("read"), vec!["shared".to_string()]);
        }
        let idle = test.store.direct.as_ref().expect("direct").idle.lock().expect("lock").as_ref().map(Vec::len);
        assert!(idle.is_some_and(|n| (1..=super::MAX_IDLE).contains(&n)), "idle connections: {idle:?}");
    }

    #[tokio::test]
    async fn a_closed_store_reads_nothing_in_place() {
        let test = fresh_store(Backend::Sqlite).await;
        test.store.close().await;
        let direct = test.store.direct.as_ref().expect("direct");
        assert!(direct.with(|_| Ok(())).is_none(), "a closed store still read in place");
        assert!(test.store.read_rows(META, &[Val::Text("x".into())], meta_value).await.is_err());
    }

    #[tokio::test]
    async fn a_postgres_store_reads_through_sqlx() {
        if !crate::testing::backends().contains(&Backend::Postgres) {
            return;
        }
        let test = fresh_store(Backend::Postgres).await;
        assert!(test.store.direct.is_none());
        test.store.set_meta("k", "on the server").await.expect("write");
        let read = test.store.read_rows(META, &[Val::Text("k".into())], meta_value).await.expect("read");
        assert_eq!(read, vec!["on the server".to_string()]);
    }

    fn request(id: &str, client_id: &str) -> crate::release::RequestRecord {
        crate::release::RequestRecord {
            id: id.into(),
            client_id: client_id.into(),
            kind: "trace".into(),
            purpose: "tracing".into(),
            at: jiff::Timestamp::now().to_string(),
            person_id: None,
            band: "no_match".into(),
        }
    }

    #[tokio::test]
    async fn recordings_are_written_in_place_and_wait_through_sqlx_while_another_process_writes() {
        let test = fresh_store(Backend::Sqlite).await;
        let purposes = [dataward_core::taxonomy::Purpose::parse("tracing").expect("a purpose")];
        let (client, _) =
            test.store.add_client("direct-client", &purposes, jiff::Timestamp::now()).await.expect("client");
        test.store.record_release(&request("in-place", &client.id), &[], &[]).await.expect("recorded in place");
        let direct = test.store.direct.as_ref().expect("direct");
        assert!(
            direct.writer.lock().expect("lock").as_ref().is_some_and(|c| c.is_autocommit()),
            "writer not returned idle"
        );

        // Another process takes the write lock: the recording must neither fail nor block a thread.
        let other = rusqlite::Connection::open(crate::store::sqlite_path_of_url(&test.url)).expect("open");
        other.execute_batch("BEGIN IMMEDIATE; INSERT INTO meta (key, value) VALUES ('other', 'x');").expect("lock");
        let store = test.store.clone();
        let client_id = client.id.clone();
        let waiting = tokio::spawn(async move { store.record_release(&request("waited", &client_id), &[], &[]).await });
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert!(!waiting.is_finished(), "a recording committed while another process held the write lock");
        other.execute_batch("COMMIT").expect("release the lock");
        waiting.await.expect("task").expect("recorded after the lock was released");

        // A recording that fails (a reused request id) leaves nothing and the writer usable.
        assert!(test.store.record_release(&request("in-place", &client.id), &[], &[]).await.is_err());
        test.store.record_release(&request("after", &client.id), &[], &[]).await.expect("recorded after a failure");
        let ids = test.store.read_rows("SELECT id FROM client_requests ORDER BY id", &[], |r| r.text("id")).await;
        assert_eq!(ids.expect("read"), vec!["after", "in-place", "waited"]);
        let audit = test.store.verify_audit().await.expect("verify");
        assert!(audit.first_break.is_none(), "the audit chain broke");
        assert_eq!(audit.entries, 4, "client added and three recordings");
    }
}
