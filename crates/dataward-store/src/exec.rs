//! Statements on either kind of connection: a sqlx connection (both engines) or a direct
//! SQLite connection (`direct`). Code that must run on both, such as the recording of client
//! requests and the audit chain's append, is written once against [`Exec`].

use std::future::Future;

use sqlx::AnyConnection;

use crate::StoreError;
use crate::row::Cols;
use crate::sql::{Val, any_query};

/// Runs statements with parameters bound in order.
pub(crate) trait Exec: Send {
    /// Runs a statement that returns no rows; the number of rows it changed.
    fn exec(&mut self, sql: &str, binds: Vec<Val>) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Runs a statement and decodes each row it returns.
    fn rows<T: Send>(
        &mut self,
        sql: &str,
        binds: Vec<Val>,
        decode: impl Fn(&dyn Cols) -> Result<T, StoreError> + Send,
    ) -> impl Future<Output = Result<Vec<T>, StoreError>> + Send;
}

impl Exec for AnyConnection {
    async fn exec(&mut self, sql: &str, binds: Vec<Val>) -> Result<u64, StoreError> {
        Ok(any_query(sql.to_string(), binds).execute(&mut *self).await?.rows_affected())
    }

    async fn rows<T: Send>(
        &mut self,
        sql: &str,
        binds: Vec<Val>,
        decode: impl Fn(&dyn Cols) -> Result<T, StoreError> + Send,
    ) -> Result<Vec<T>, StoreError> {
        let rows = any_query(sql.to_string(), binds).fetch_all(&mut *self).await?;
        rows.iter().map(|row| decode(row)).collect()
    }
}

/// On the calling thread: see `direct` for when that is done.
impl Exec for rusqlite::Connection {
    async fn exec(&mut self, sql: &str, binds: Vec<Val>) -> Result<u64, StoreError> {
        let mut statement = self.prepare_cached(sql)?;
        Ok(statement.execute(rusqlite::params_from_iter(binds.iter()))? as u64)
    }

    async fn rows<T: Send>(
        &mut self,
        sql: &str,
        binds: Vec<Val>,
        decode: impl Fn(&dyn Cols) -> Result<T, StoreError> + Send,
    ) -> Result<Vec<T>, StoreError> {
        crate::direct::query_on(self, sql, &binds, &decode)
    }
}
