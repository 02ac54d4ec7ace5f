//! Shared lookups for the named, keyed registers (partners and clients): by name and by API key.

use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use crate::api_keys::{self, KeyOwner};
use crate::{Store, StoreError};

impl Store {
    /// The row of `table` with this unique name.
    pub(crate) async fn row_by_name(
        &self,
        table: &'static str,
        columns: &'static str,
        name: &str,
    ) -> Result<Option<AnyRow>, StoreError> {
        let sql = format!("SELECT {columns} FROM {table} WHERE name = $1");
        Ok(sqlx::query(AssertSqlSafe(sql)).bind(name).fetch_optional(&self.pool).await?)
    }

    /// The row of `table` whose API key is `presented`, if the key is well formed and genuine
    /// (found by its public prefix, then checked against the Argon2id hash).
    pub(crate) async fn row_by_key(
        &self,
        table: &'static str,
        columns: &'static str,
        owner: KeyOwner,
        presented: &str,
    ) -> Result<Option<AnyRow>, StoreError> {
        let Some(prefix) = api_keys::prefix_of(owner, presented) else { return Ok(None) };
        let sql = format!("SELECT {columns}, key_hash FROM {table} WHERE key_prefix = $1");
        let Some(row) = sqlx::query(AssertSqlSafe(sql)).bind(prefix).fetch_optional(&self.pool).await? else {
            return Ok(None);
        };
        let hash: String = row.try_get("key_hash")?;
        Ok(api_keys::verify_secret(presented, &hash).then_some(row))
    }
}
