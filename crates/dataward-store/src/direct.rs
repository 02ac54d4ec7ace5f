//! Direct SQLite reads for the statements on a client request's path.
//!
//! sqlx runs each SQLite connection on a worker thread of its own: every statement is a command
//! sent to that thread and rows sent back, so a statement costs two thread switches whatever
//! its work. Measured on a two-core machine, a one-row indexed read took 0.20 ms that way, and
//! the kernel's scheduling and futex calls were the largest part of a loaded server's profile.
//! A trace makes five such reads before anything is written. So a SQLite file store keeps a few
//! connections of its own, read-only, and runs those reads on the calling thread (an indexed
//! read of pages the operating system already caches: tens of microseconds, not worth a thread
//! switch). sqlx has no way to run a statement in place, hence this module.
//!
//! Every statement is an autocommitted read, as through sqlx, with the same SQL text; rows are
//! decoded by the same functions (`row::Cols`). Writes never come here. PostgreSQL and
//! in-memory stores read through sqlx as before ([`Store::read_rows`] chooses).

use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::{Connection, OpenFlags};
use sqlx::AssertSqlSafe;

use crate::row::Cols;
use crate::sql::{Val, bind_val};
use crate::{Store, StoreError};

/// Idle connections kept; more may be opened while more requests read at once.
const MAX_IDLE: usize = 8;
/// Prepared statements kept per connection (a lookup's text varies with its number of keys).
const STATEMENT_CACHE: usize = 64;

/// The direct read connections of one SQLite file store.
#[derive(Debug)]
pub(crate) struct DirectReads {
    path: PathBuf,
    /// `None` once the store is closed.
    idle: Mutex<Option<Vec<Connection>>>,
}

impl DirectReads {
    /// Read connections to the (already migrated) SQLite file at `path`.
    pub(crate) fn new(path: impl Into<PathBuf>) -> DirectReads {
        DirectReads { path: path.into(), idle: Mutex::new(Some(Vec::new())) }
    }

    fn open(&self) -> Result<Connection, StoreError> {
        // Read-write at the file level only because a WAL reader writes its read mark into
        // the shared-memory index; `query_only` refuses any change to the database.
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

    /// Closes the idle connections; later reads go through sqlx (and find its pool closed).
    pub(crate) fn close(&self) {
        self.idle.lock().expect("direct reads lock").take();
    }
}

/// Runs `sql` on `conn` and decodes each row.
fn query_on<T>(
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
        let mut query = sqlx::query(AssertSqlSafe(sql.to_string()));
        for v in binds {
            query = bind_val(query, v.clone());
        }
        query.fetch_all(&self.pool).await?.iter().map(|row| decode(row)).collect()
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
}
