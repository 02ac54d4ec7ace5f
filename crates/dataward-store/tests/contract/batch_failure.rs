//! A batch that fails inside the engine, part-way through its inserts, leaves nothing behind.
//!
//! On SQLite a batch's inserts run as `INSERT OR ROLLBACK` with foreign keys checked at commit
//! (no statement journal), so a violation ends the whole transaction at once; these tests
//! provoke one with a trigger and check that the store is exactly as before and takes the next
//! load normally.

use dataward_core::partner::IngestMode;
use dataward_store::Backend;
use dataward_store::testing::{backends, fresh_store};
use sqlx::Executor;

use super::{load, now, partner, pending, record, source};

/// Makes every insert into `match_records` fail, by a unique violation in its trigger, once
/// the table holds more than `after` rows (so a batch fails in the middle of its records).
async fn fail_inserts_after(pool: &sqlx::AnyPool, backend: Backend, after: usize) {
    let statements = match backend {
        Backend::Sqlite => vec![format!(
            "CREATE TRIGGER fail_late AFTER INSERT ON match_records
             WHEN (SELECT COUNT(*) FROM match_records) > {after}
             BEGIN INSERT INTO meta (key, value) VALUES ('fail-late', 'x'), ('fail-late', 'x'); END"
        )],
        Backend::Postgres => vec![
            format!(
                "CREATE FUNCTION fail_late() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                 IF (SELECT COUNT(*) FROM match_records) > {after} THEN
                     INSERT INTO meta (key, value) VALUES ('fail-late', 'x'), ('fail-late', 'x');
                 END IF; RETURN NULL; END $$"
            ),
            "CREATE TRIGGER fail_late AFTER INSERT ON match_records FOR EACH STATEMENT EXECUTE FUNCTION fail_late()"
                .to_string(),
        ],
    };
    for sql in statements {
        pool.execute(sqlx::AssertSqlSafe(sql)).await.expect("install the failing trigger");
    }
}

async fn stop_failing(pool: &sqlx::AnyPool, backend: Backend) {
    let sql = match backend {
        Backend::Sqlite => "DROP TRIGGER fail_late",
        Backend::Postgres => "DROP TRIGGER fail_late ON match_records",
    };
    pool.execute(sql).await.expect("drop the failing trigger");
}

/// `n` records of different people (each surname spells its number in letters).
fn records(prefix: &str, n: usize) -> Vec<dataward_store::ingest_tx::PendingRow> {
    (0..n)
        .map(|i| {
            let surname: String = format!("{i:04}").bytes().map(|d| char::from(b'a' + d - b'0')).collect();
            let email = format!("{prefix}{i}@example.co.uk");
            pending(
                i as u64 + 2,
                record(&format!("{prefix}{i}"), "Jane", &format!("Smith{surname}"), &email, "LS1 4AP"),
            )
        })
        .collect()
}

/// How many of the two digest indexes the store has.
async fn digest_indexes(pool: &sqlx::AnyPool, backend: Backend) -> i64 {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN \
             ('record_values_hash', 'selection_facets_hash')"
        }
        Backend::Postgres => {
            "SELECT COUNT(*) FROM pg_indexes WHERE indexname IN \
             ('record_values_hash', 'selection_facets_hash')"
        }
    };
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn a_large_batch_into_a_small_sqlite_store_builds_its_digest_indexes_once_before_it_commits() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "competition-co").await;
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        assert_eq!(digest_indexes(&pool, backend).await, 2, "{backend:?}");

        // A small file keeps them: rebuilding would cost more than it saves.
        let mut batch = t.store.begin_ingest(&p, source(IngestMode::Append), now()).await.unwrap();
        batch.write_records(records("small", 600)).await.unwrap();
        assert!(batch.deferred_indexes().is_empty(), "{backend:?}");
        batch.finish("0", 600, &[]).await.unwrap();

        let mut batch = t.store.begin_ingest(&p, source(IngestMode::Append), now()).await.unwrap();
        batch.write_records(records("large", 2_000)).await.unwrap();
        assert!(batch.deferred_indexes().is_empty(), "{backend:?}: not before the batch has 2,000 rows");
        batch.write_records(records("later", 10)).await.unwrap();
        let expected: &[&str] = match backend {
            Backend::Sqlite => &["record_values_hash", "selection_facets_hash"],
            // Dropping an index there would lock readers out until the batch commits.
            Backend::Postgres => &[],
        };
        assert_eq!(batch.deferred_indexes(), expected, "{backend:?}");
        // Readers keep the committed schema while the batch runs.
        assert_eq!(digest_indexes(&pool, backend).await, 2, "{backend:?}");
        batch.finish("0", 2_010, &[]).await.unwrap();
        assert_eq!(digest_indexes(&pool, backend).await, 2, "{backend:?}: built again before the commit");
        for email in ["small0@example.co.uk", "large1999@example.co.uk", "later9@example.co.uk"] {
            let found = t.store.persons_with_value("email", email).await.unwrap();
            assert_eq!(found.len(), 1, "{backend:?}: a lookup by value finds {email}");
        }
    }
}

#[tokio::test]
async fn a_violation_in_the_middle_of_a_batch_rolls_it_all_back_and_the_next_load_works() {
    for backend in backends() {
        let t = fresh_store(backend).await;
        let p = partner(&t.store, "competition-co").await;
        load(&t.store, &p, IngestMode::Append, records("first", 1)).await;
        let before = t.store.totals().await.unwrap();
        let batches = t.store.batches(None).await.unwrap();
        let pool = sqlx::AnyPool::connect(&t.url).await.unwrap();
        // The batch's first 2,000 records go in; with 1,200 more the failure comes in the third
        // group of 500 of the next 1,500-record chunk, after SQLite set the digest indexes aside.
        fail_inserts_after(&pool, backend, 1 + 2_000 + 1_200).await;

        let mut batch = t.store.begin_ingest(&p, source(IngestMode::Append), now()).await.unwrap();
        batch.write_records(records("stored", 2_000)).await.unwrap();
        let error = match batch.write_records(records("failing", 1_500)).await {
            Err(error) => error,
            // A large SQLite batch queues its writes behind its linking (one set waiting at most):
            // the failure is reported by one of its next two calls.
            Ok(_) => {
                assert_eq!(backend, Backend::Sqlite, "only a SQLite batch queues its writes");
                let first = batch.write_records(records("next", 1)).await;
                match first {
                    Err(error) => error,
                    Ok(_) => batch.write_records(records("then", 1)).await.expect_err("the trigger fails the batch"),
                }
            }
        };
        assert!(error.to_string().contains("meta"), "{backend:?}: {error}");
        assert_eq!(batch.deferred_indexes().len(), if backend == Backend::Sqlite { 2 } else { 0 }, "{backend:?}");
        // The transaction may be gone already: later calls are refused, not run on their own.
        let again = batch.write_records(records("after", 1)).await.expect_err("a failed batch takes no more rows");
        assert!(again.to_string().contains("failed and was rolled back"), "{backend:?}: {again}");
        let finished = batch.finish("0", 3_501, &[]).await.expect_err("a failed batch cannot be finished");
        assert!(finished.to_string().contains("failed and was rolled back"), "{backend:?}: {finished}");
        assert_eq!(t.store.totals().await.unwrap(), before, "{backend:?}: a failed batch left rows behind");
        assert_eq!(t.store.batches(None).await.unwrap(), batches, "{backend:?}");
        for email in ["stored0@example.co.uk", "failing0@example.co.uk"] {
            assert!(t.store.persons_with_value("email", email).await.unwrap().is_empty(), "{backend:?}: {email}");
        }
        assert_eq!(digest_indexes(&pool, backend).await, 2, "{backend:?}: the set-aside indexes are back");

        stop_failing(&pool, backend).await;
        let outcome = load(&t.store, &p, IngestMode::Append, records("second", 1_500)).await;
        assert_eq!(outcome.accepted, 1_500, "{backend:?}");
        let after = t.store.totals().await.unwrap();
        assert_eq!(after.source_records, before.source_records + 1_500, "{backend:?}");
        assert_eq!(t.store.persons_with_value("email", "second1499@example.co.uk").await.unwrap().len(), 1);
    }
}
