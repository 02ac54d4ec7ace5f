//! Digest indexes set aside while a batch loads into a small SQLite store, and built again
//! before it commits.
//!
//! A keyed digest is random, so every row inserted into an index on digests lands on a random
//! page. Once such an index outgrows the batch's page cache, each row costs a page written out
//! to the write-ahead log and read back. Built once at the end, the index sorts its entries
//! and writes each page once.
//!
//! Nothing a batch runs reads these indexes: they serve lookups by value (rights requests,
//! screening facts, selections) on other connections, which keep reading the committed schema,
//! indexes included, until the batch commits. Dropping and creating an index is transactional
//! in SQLite, so a failed or abandoned batch gets its indexes back with everything else.
//! Rebuilding covers the whole table, so a batch into a store that already holds many records
//! keeps the indexes. PostgreSQL is left alone: `DROP INDEX` there would lock the tables
//! against every reader until the batch commits.

use sqlx::{AnyConnection, AssertSqlSafe};

use crate::StoreError;

/// The indexes on keyed digests that ingest writes and never reads.
const DEFERRABLE: &[&str] = &["record_values_hash", "selection_facets_hash"];

/// A batch sets the indexes aside only while the store held fewer source records than this
/// when it began.
pub(crate) const MAX_STORED_RECORDS: i64 = 100_000;

/// ... and only once it has written this many rows: a small file would pay for rebuilding the
/// indexes over the whole store and save next to nothing.
pub(crate) const AFTER_ROWS: u64 = 2_000;

/// The indexes a batch has dropped, with the statements that create them again.
#[derive(Debug, Default)]
pub(crate) struct DeferredIndexes {
    definitions: Vec<(String, String)>,
}

impl DeferredIndexes {
    /// Whether the store held fewer source records than [`MAX_STORED_RECORDS`] before a batch
    /// that has stored `own` records of its own (asked only once a batch is large, so a small
    /// file's batch runs no query for it).
    pub(crate) async fn store_was_small(conn: &mut AnyConnection, own: u64) -> Result<bool, StoreError> {
        Self::held_fewer_records_than(conn, own as i64, MAX_STORED_RECORDS).await
    }

    async fn held_fewer_records_than(conn: &mut AnyConnection, own: i64, limit: i64) -> Result<bool, StoreError> {
        // Counting stops at the limit: a large store is not scanned to learn that it is large.
        let stored: i64 = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM source_records LIMIT {})",
            own + limit
        )))
        .fetch_one(&mut *conn)
        .await?;
        Ok(stored - own < limit)
    }

    /// Drops the digest indexes inside the batch's transaction.
    pub(crate) async fn set_aside(conn: &mut AnyConnection) -> Result<DeferredIndexes, StoreError> {
        Self::set_aside_named(conn, DEFERRABLE).await
    }

    /// Drops the SQLite indexes `names` inside the caller's transaction, keeping their
    /// definitions to build them again.
    pub(crate) async fn set_aside_named(
        conn: &mut AnyConnection,
        names: &[&str],
    ) -> Result<DeferredIndexes, StoreError> {
        let mut definitions = Vec::with_capacity(names.len());
        for name in names {
            let sql: Option<String> =
                sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1")
                    .bind(*name)
                    .fetch_optional(&mut *conn)
                    .await?;
            // An index a migration has not created (or a later one removed) is not ours to make.
            let Some(sql) = sql else { continue };
            sqlx::query(AssertSqlSafe(format!("DROP INDEX {name}"))).execute(&mut *conn).await?;
            definitions.push(((*name).to_string(), sql));
        }
        Ok(DeferredIndexes { definitions })
    }

    /// Creates the dropped indexes again, exactly as they were defined.
    pub(crate) async fn rebuild(self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        for (name, sql) in self.definitions {
            tracing::debug!(index = %name, "rebuilding a deferred index");
            sqlx::query(AssertSqlSafe(sql)).execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// The names of the indexes set aside.
    pub(crate) fn names(&self) -> Vec<&str> {
        self.definitions.iter().map(|(name, _)| name.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use sqlx::{Connection, Executor};

    use super::*;
    use crate::Backend;
    use crate::testing::fresh_store;

    async fn definitions(conn: &mut AnyConnection) -> Vec<(String, String)> {
        sqlx::query_as("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name LIKE '%_hash' ORDER BY name")
            .fetch_all(conn)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn digest_indexes_are_set_aside_built_again_as_defined_and_restored_by_a_rollback() {
        let t = fresh_store(Backend::Sqlite).await;
        let mut conn = AnyConnection::connect(&t.url).await.unwrap();
        let before = definitions(&mut conn).await;
        assert_eq!(before.len(), DEFERRABLE.len(), "{before:?}");
        conn.execute("PRAGMA foreign_keys = OFF").await.unwrap();
        for id in ["r1", "r2"] {
            sqlx::query(
                "INSERT INTO source_records (id, person_id, partner_id, batch_id, line_no, email_consent, received_at)
                 VALUES ($1, 'p', 'pa', 'b', 1, 0, 'now')",
            )
            .bind(id)
            .execute(&mut conn)
            .await
            .unwrap();
        }

        assert!(!DeferredIndexes::held_fewer_records_than(&mut conn, 0, 2).await.unwrap(), "two records, limit two");
        assert!(DeferredIndexes::held_fewer_records_than(&mut conn, 0, 3).await.unwrap());
        assert!(
            DeferredIndexes::held_fewer_records_than(&mut conn, 1, 2).await.unwrap(),
            "one of them the batch's own"
        );

        conn.execute("BEGIN").await.unwrap();
        let small = DeferredIndexes::set_aside(&mut conn).await.unwrap();
        assert_eq!(small.names(), DEFERRABLE.to_vec());
        assert!(definitions(&mut conn).await.is_empty(), "the batch's transaction no longer has them");
        small.rebuild(&mut conn).await.unwrap();
        assert_eq!(definitions(&mut conn).await, before, "built again exactly as defined");

        DeferredIndexes::set_aside(&mut conn).await.unwrap();
        conn.execute("ROLLBACK").await.unwrap();
        assert_eq!(definitions(&mut conn).await, before, "an abandoned batch gets its indexes back");
    }
}
