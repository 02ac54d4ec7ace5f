//! Opening a store: choosing the backend from the URL, connection setup, migrations.

use std::sync::Arc;

use dataward_core::keys::Indexer;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Connection as _, Executor};

use crate::StoreError;
use crate::master_key::MasterKey;

/// Which engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend an open connection talks to.
    pub(crate) fn of_connection(conn: &sqlx::AnyConnection) -> Backend {
        if conn.backend_name().eq_ignore_ascii_case("sqlite") { Backend::Sqlite } else { Backend::Postgres }
    }

    /// The backend a URL selects.
    pub fn of_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl(redact_url(url)))
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Hides a password in a URL before it is shown anywhere.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// Turns a plain path into a SQLite URL that creates the file if it is missing.
pub fn sqlite_url_for_path(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// The file path of a SQLite URL (`sqlite://PATH?...`), the inverse of [`sqlite_url_for_path`].
pub fn sqlite_path_of_url(url: &str) -> &str {
    let rest = url.trim_start_matches("sqlite://");
    rest.split('?').next().unwrap_or(rest)
}

/// Creates an empty database `name` (replacing one of that name) on the PostgreSQL server at
/// `server_url` and returns its URL. `name` must be a plain identifier chosen by the caller.
pub async fn create_postgres_database(server_url: &str, name: &str) -> Result<String, StoreError> {
    use sqlx::Connection;
    debug_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "plain identifier");
    let mut admin = sqlx::PgConnection::connect(server_url).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).execute(&mut admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await?;
    let base = server_url.rsplit_once('/').map_or(server_url, |(b, _)| b);
    Ok(format!("{base}/{name}"))
}

/// A connected, migrated store.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: AnyPool,
    pub(crate) backend: Backend,
    /// Wraps every data key (see `keys`).
    pub(crate) master: Arc<MasterKey>,
    pub(crate) indexer: Indexer,
    pub(crate) model_cache: crate::linkage::model::ModelCache,
    /// Held by an open ingest for its whole life, so that ingests in one process queue for the
    /// database's ingest lock instead of holding pool connections while they wait (see
    /// [`crate::ingest_tx`]).
    pub(crate) ingest_queue: Arc<tokio::sync::Mutex<()>>,
    /// SQLite writers of this process queue here (see [`crate::write_tx`]).
    pub(crate) write_turn: crate::write_tx::WriteTurn,
    /// Client requests waiting to be recorded together (see [`crate::release_queue`]).
    pub(crate) releases: Arc<crate::release_queue::ReleaseQueue>,
    /// SQLite page cache of the connection holding an ingest batch, in KiB.
    pub(crate) ingest_cache_kib: u32,
    /// The background WAL checkpoints of a SQLite file store (see [`crate::checkpoint`]).
    pub(crate) checkpointer: Option<Arc<crate::checkpoint::Checkpointer>>,
    /// A SQLite file store's in-place connections (see [`crate::direct`]).
    pub(crate) direct: Option<Arc<crate::direct::DirectConnections>>,
}

/// SQLite page cache per pooled connection, in KiB (see `Store::open`).
pub(crate) const SERVING_CACHE_KIB: u32 = 8 * 1024;
/// SQLite page cache of the connection holding an ingest batch by default, in MiB: a big
/// batch's B-tree pages stay in memory instead of spilling to the WAL again and again (see
/// [`Store::with_ingest_cache_mib`]).
pub const DEFAULT_INGEST_CACHE_MIB: u32 = 256;

/// How long a pooled PostgreSQL connection may sit idle before it is pinged on its next use.
pub(crate) const PING_AFTER_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

/// Sets the SQLite page cache of one connection (a number from this crate, never input).
pub(crate) async fn set_sqlite_cache_kib(conn: &mut sqlx::AnyConnection, kib: u32) -> Result<(), sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA cache_size = -{kib}"))).execute(conn).await?;
    Ok(())
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Store {
    /// Connects to `url` (`sqlite://PATH[?mode=rwc]` or `postgres://...`), applies migrations and
    /// checks that the store's data keys are wrapped by `master`.
    pub async fn open(url: &str, indexer: Indexer, master: MasterKey) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = Backend::of_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains('?') && !url.contains(":memory:") => format!("{url}?mode=rwc"),
            _ => url.to_string(),
        };
        let options = AnyPoolOptions::new().max_connections(match backend {
            Backend::Sqlite => 4,
            Backend::Postgres => 16,
        });
        let options = if backend == Backend::Sqlite {
            // An embedded connection cannot be cut off by a network or a server restart, so
            // the pool need not ping it before every use (a round trip to its worker thread on
            // every acquire, that is on nearly every statement of a client request).
            options.test_before_acquire(false).after_connect(|conn, _| {
                Box::pin(async move {
                    conn.execute("PRAGMA journal_mode = WAL").await?;
                    conn.execute("PRAGMA synchronous = NORMAL").await?;
                    conn.execute("PRAGMA foreign_keys = ON").await?;
                    conn.execute("PRAGMA busy_timeout = 10000").await?;
                    // A small page cache for serving: in WAL mode a connection throws its whole
                    // cache away whenever another connection has written (every recorded
                    // request), and emptying a large cache cost more than it saved (a 256 MiB
                    // cache served about 15 % fewer traces than 8 MiB). The operating system's
                    // page cache still holds the file. An ingest enlarges its own connection's
                    // cache for the batch (`Store::begin_ingest`).
                    set_sqlite_cache_kib(conn, SERVING_CACHE_KIB).await?;
                    conn.execute("PRAGMA temp_store = MEMORY").await?;
                    // Checkpoints run in the background (`checkpoint`); a commit only
                    // checkpoints by itself past this safety net.
                    let pages = crate::checkpoint::INLINE_CHECKPOINT_PAGES;
                    sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA wal_autocheckpoint = {pages}")))
                        .execute(&mut *conn)
                        .await?;
                    Ok(())
                })
            })
        } else {
            // A connection is pinged before use only when it has sat idle for a while (when a
            // server restart or a dropped socket may have cut it off); sqlx's default pings
            // before every acquire, one more round trip per statement, about five on every
            // client request. A connection that fails its ping is closed and another taken.
            options.test_before_acquire(false).before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_AFTER_IDLE {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
        };
        let pool = options.connect(&url).await?;
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        let mut conn = pool.acquire().await?;
        crate::keys::check_master_key(&mut conn, &master).await?;
        drop(conn);
        let write_turn = crate::write_tx::WriteTurn::default();
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let checkpointer = match backend {
            Backend::Sqlite if !in_memory => Some(crate::checkpoint::start(&url, write_turn.0.clone()).await?),
            _ => None,
        };
        let direct = match backend {
            Backend::Sqlite if !in_memory => {
                Some(Arc::new(crate::direct::DirectConnections::new(sqlite_path_of_url(&url))))
            }
            _ => None,
        };
        Ok(Store {
            pool,
            backend,
            master: Arc::new(master),
            indexer,
            model_cache: Default::default(),
            ingest_queue: Default::default(),
            write_turn,
            releases: Default::default(),
            ingest_cache_kib: DEFAULT_INGEST_CACHE_MIB * 1024,
            checkpointer,
            direct,
        })
    }

    /// Sets the SQLite page cache an ingest batch gets (ignored on PostgreSQL). A batch
    /// whose pages outgrow it spills them into the write-ahead log, and every later read of
    /// a spilled page searches the log's index, one hash table per 4,096 pages: a
    /// million-row batch with the default cache slows to a crawl that way. Give a large
    /// initial load a cache the size of what it writes (about 11 KiB a row) when the memory
    /// is there. The cache goes with the batch's connection, which is closed when it ends.
    pub fn with_ingest_cache_mib(mut self, mib: u32) -> Store {
        self.ingest_cache_kib = mib.max(1).saturating_mul(1024);
        self
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn indexer(&self) -> &Indexer {
        &self.indexer
    }

    /// The master key this store was opened with.
    pub fn master_key(&self) -> &MasterKey {
        &self.master
    }

    /// Closes every connection (SQLite checkpoints its WAL).
    pub async fn close(&self) {
        if let Some(checkpointer) = &self.checkpointer {
            checkpointer.stop();
        }
        if let Some(direct) = &self.direct {
            direct.close();
        }
        self.pool.close().await;
    }

    /// Reads a setting from the `meta` table.
    pub async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT value FROM meta WHERE key = $1").bind(key).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.0))
    }

    /// Writes a setting to the `meta` table.
    pub async fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// A new time-ordered id.
pub(crate) fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pool pings only connections idle for [`PING_AFTER_IDLE`]: one the server cut off
    /// while it sat idle is found out by its ping and replaced, and the next statement works.
    #[tokio::test]
    async fn a_postgres_connection_cut_off_while_idle_is_replaced() {
        use sqlx::Connection;
        if !crate::testing::backends().contains(&Backend::Postgres) {
            return;
        }
        let t = crate::testing::fresh_store(Backend::Postgres).await;
        t.store.totals().await.expect("a first statement");
        let server = std::env::var(crate::testing::POSTGRES_URL_VAR).expect("checked by backends()");
        let mut admin = sqlx::PgConnection::connect(&server).await.expect("admin connection");
        let database = t.url.rsplit('/').next().expect("a database name");
        let (cut,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1) t",
        )
        .bind(database)
        .fetch_one(&mut admin)
        .await
        .expect("terminate the store's connections");
        assert!(cut >= 1, "the store held a connection to cut");
        tokio::time::sleep(PING_AFTER_IDLE + std::time::Duration::from_millis(200)).await;
        t.store.totals().await.expect("a cut-off connection is replaced after its ping fails");
    }

    #[test]
    fn urls_select_the_backend_and_unknown_schemes_are_refused() {
        assert_eq!(Backend::of_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(Backend::of_url("postgres://u@h/db").unwrap(), Backend::Postgres);
        assert!(
            matches!(Backend::of_url("mysql://u:secret@h/db"), Err(StoreError::UnsupportedUrl(u)) if !u.contains("secret"))
        );
    }

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(redact_url("postgres://dw:hunter2@127.0.0.1:5432/dw"), "postgres://dw:***@127.0.0.1:5432/dw");
        assert_eq!(redact_url("sqlite://dataward.db"), "sqlite://dataward.db");
    }
}
