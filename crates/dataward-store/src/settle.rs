//! Settling a store after a bulk load, before it is measured.
//!
//! On PostgreSQL a table written in one go has no visibility map and no fresh statistics until
//! autovacuum reaches it, which takes minutes on a store of millions of rows: until then an
//! index-only scan fetches every heap row it meets, the first read of each page sets its hint
//! bits and dirties it, and autovacuum itself runs beside whatever comes next. A production
//! server reaches that settled state on its own; a benchmark that builds a store and loads it at
//! once would measure the transient instead, so it settles the store first. SQLite keeps no such
//! per-row visibility state, so there is nothing to do there.
//!
//! A benchmark also states the server's buffer cache and whether it sits in huge pages: with a
//! few GB of `shared_buffers` in 4 KiB pages every backend takes a page fault on each buffer it
//! touches first, which on a million-person store cost about a sixth of a trace's throughput
//! (361–406 requests/s at concurrency 2 without huge pages, 453–470 with them).

use crate::{Backend, Store, StoreError};

impl Store {
    /// Vacuums and analyses every table on PostgreSQL (outside any transaction); nothing on
    /// SQLite. Returns whether anything ran.
    pub async fn settle_after_bulk_load(&self) -> Result<bool, StoreError> {
        if self.backend != Backend::Postgres {
            return Ok(false);
        }
        sqlx::query("VACUUM (ANALYZE)").execute(&self.pool).await?;
        Ok(true)
    }

    /// PostgreSQL's buffer cache and huge-page setting, as `shared_buffers 4GB, huge_pages on`;
    /// `None` on SQLite.
    pub async fn buffer_settings(&self) -> Result<Option<String>, StoreError> {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        let (buffers, huge): (String, String) =
            sqlx::query_as("SELECT current_setting('shared_buffers'), current_setting('huge_pages')")
                .fetch_one(&self.pool)
                .await?;
        Ok(Some(format!("shared_buffers {buffers}, huge_pages {huge}")))
    }
}

#[cfg(test)]
mod tests {
    use crate::Backend;
    use crate::testing::{backends, fresh_store};

    #[tokio::test]
    async fn settling_vacuums_postgres_and_leaves_sqlite_alone() {
        for backend in backends() {
            let t = fresh_store(backend).await;
            let ran = t.store.settle_after_bulk_load().await.unwrap();
            assert_eq!(ran, backend == Backend::Postgres, "{backend:?}");
            if backend == Backend::Postgres {
                let (vacuumed,): (i64,) = sqlx::query_as(
                    "SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname = 'persons' AND last_vacuum IS NOT NULL",
                )
                .fetch_one(&t.store.pool)
                .await
                .unwrap();
                assert_eq!(vacuumed, 1, "persons was vacuumed");
                let settings = t.store.buffer_settings().await.unwrap().expect("postgres has settings");
                assert!(settings.starts_with("shared_buffers ") && settings.contains(", huge_pages "), "{settings}");
            } else {
                assert_eq!(t.store.buffer_settings().await.unwrap(), None);
            }
        }
    }
}
