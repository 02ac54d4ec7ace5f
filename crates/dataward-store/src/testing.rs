//! Fresh, empty stores on every backend, for the contract tests of this and other crates.
//!
//! SQLite stores are files in a temporary directory. PostgreSQL stores are new databases created
//! on the server named by `DATAWARD_TEST_POSTGRES_URL`; without it the PostgreSQL half is skipped
//! locally, and refused under CI (`CI` set), where both backends must run.

use dataward_core::keys::Indexer;

use crate::{Backend, Store};

/// The environment variable naming the PostgreSQL server for tests.
pub const POSTGRES_URL_VAR: &str = "DATAWARD_TEST_POSTGRES_URL";

/// A fixed test secret for the keyed digests.
pub fn test_indexer() -> Indexer {
    Indexer::new(b"dataward-test-secret-0123456789abcdef").expect("long enough")
}

/// A fixed test master key for encryption at rest.
pub fn test_master_key() -> crate::MasterKey {
    crate::MasterKey::from_bytes(b"dataward-test-master-key-0123456").expect("32 bytes")
}

/// A store for one test; keeps its temporary directory alive.
pub struct TestStore {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

/// The backends to run a contract test on.
pub fn backends() -> Vec<Backend> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => vec![Backend::Sqlite, Backend::Postgres],
        _ if std::env::var_os("CI").is_some() => {
            panic!("{POSTGRES_URL_VAR} must be set under CI: both backends are tested")
        }
        _ => {
            eprintln!("note: {POSTGRES_URL_VAR} is not set; testing SQLite only");
            vec![Backend::Sqlite]
        }
    }
}

/// A URL for a fresh, empty database on `backend` (and the directory holding it, for SQLite).
pub async fn fresh_url(backend: Backend) -> (String, Option<tempfile::TempDir>) {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temporary directory");
            let url = crate::store::sqlite_url_for_path(&dir.path().join("test.db"));
            (url, Some(dir))
        }
        Backend::Postgres => {
            let server = std::env::var(POSTGRES_URL_VAR).expect("checked by backends()");
            let name = format!("dw_test_{}", uuid::Uuid::new_v4().simple());
            let url = crate::store::create_postgres_database(&server, &name).await.expect("create a test database");
            (url, None)
        }
    }
}

/// A fresh, migrated store on `backend`.
pub async fn fresh_store(backend: Backend) -> TestStore {
    let (url, dir) = fresh_url(backend).await;
    let store = Store::open(&url, test_indexer(), test_master_key()).await.expect("open test store");
    TestStore { store, url, _dir: dir }
}
