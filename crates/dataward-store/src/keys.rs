//! Data keys: one per source record, grouped under its person, plus one per non-record scope.
//!
//! Why a key per source record rather than one per person: identity resolution moves records
//! between persons on every merge and split (`linkage::apply::move_records`). With a key per
//! record, a move only changes the `person_id` of the record's key row, like every other
//! person-scoped row, and no value is re-encrypted; the person still owns exactly the keys of
//! its records, so erasing a person destroys all of them (`destroy_person_keys_in`) and a refresh
//! that removes a record destroys that record's key. Values are sealed with the record id as
//! associated data, so a value moved into another record's row does not open.
//!
//! Values that belong to no record get a key of their scope in `scope_keys`: a batch's
//! quarantined raw rows (`quarantine:<batch>`), a client job's input and result (`job:<id>`),
//! and the linkage model's parameters (`linkage-model`, which hold name frequencies).
//!
//! Keys are wrapped by the master key and carry its id. `rotate_master_key` re-wraps every key
//! under a new master key in one transaction without touching a value. What crypto-erasure
//! achieves: once a person's key rows are deleted, the live store and anything copied from it
//! afterwards cannot read that person's values. A backup taken before the erasure still holds the
//! wrapped keys and opens with the master key it was written under; it becomes unreadable when
//! that master key is retired by `dataward keys rotate` (which replaces the key file), because the
//! backup's keys are wrapped only under the retired key. Operators therefore rotate after
//! erasures (or at least within their backup retention) and never back up the master key file
//! together with the database.

use dataward_core::audit::Actor;
use jiff::Timestamp;
use serde::Serialize;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use crate::codec::DataKey;
use crate::master_key::MasterKey;
use crate::sql::placeholder_list;
use crate::{Store, StoreError};

/// What a master-key rotation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rotation {
    pub old_key_id: String,
    pub new_key_id: String,
    pub record_keys: u64,
    pub scope_keys: u64,
}

/// Checks that every stored key is wrapped by `master` (they all are after a rotation).
pub(crate) async fn check_master_key(conn: &mut AnyConnection, master: &MasterKey) -> Result<(), StoreError> {
    for table in ["record_keys", "scope_keys"] {
        let sql = format!("SELECT master_key_id FROM {table} WHERE master_key_id <> $1 LIMIT 1");
        let other: Option<(String,)> =
            sqlx::query_as(AssertSqlSafe(sql)).bind(master.id()).fetch_optional(&mut *conn).await?;
        if let Some((stored,)) = other {
            return Err(StoreError::WrongMasterKey { stored, configured: master.id().to_string() });
        }
    }
    Ok(())
}

impl Store {
    /// A new data key for a source record and its wrapped form for `record_keys`.
    pub(crate) fn new_record_key(&self, record_id: &str) -> (DataKey, Vec<u8>) {
        let key = DataKey::generate();
        let wrapped = self.master.wrap(record_id, &key);
        (key, wrapped)
    }

    /// The data key of a record from its wrapped form (read with the value), if it still exists.
    pub(crate) fn record_key(&self, record_id: &str, wrapped: Option<Vec<u8>>) -> Result<Option<DataKey>, StoreError> {
        wrapped.map(|w| self.master.unwrap_key(record_id, &w)).transpose()
    }

    /// The key of a non-record scope, created (and committed with `conn`'s transaction) if missing.
    pub(crate) async fn scope_key(&self, conn: &mut AnyConnection, scope: &str) -> Result<DataKey, StoreError> {
        if let Some(key) = self.existing_scope_key(conn, scope).await? {
            return Ok(key);
        }
        let key = DataKey::generate();
        sqlx::query(
            "INSERT INTO scope_keys (scope, wrapped, master_key_id) VALUES ($1, $2, $3) ON CONFLICT (scope) DO NOTHING",
        )
        .bind(scope)
        .bind(self.master.wrap(scope, &key))
        .bind(self.master.id())
        .execute(&mut *conn)
        .await?;
        // Another writer may have created it first: use whichever key is stored.
        self.existing_scope_key(conn, scope).await?.ok_or_else(|| StoreError::Corrupt(format!("no key for `{scope}`")))
    }

    /// The key of a non-record scope, if it exists.
    pub(crate) async fn existing_scope_key(
        &self,
        conn: &mut AnyConnection,
        scope: &str,
    ) -> Result<Option<DataKey>, StoreError> {
        let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT wrapped FROM scope_keys WHERE scope = $1")
            .bind(scope)
            .fetch_optional(&mut *conn)
            .await?;
        row.map(|(w,)| self.master.unwrap_key(scope, &w)).transpose()
    }

    /// Destroys the data keys of `person_ids`' records inside the caller's transaction (pass
    /// `&mut *tx`), making their values unreadable; returns how many keys were destroyed. The
    /// erasure of a person calls this with the deletion of its rows.
    pub async fn destroy_person_keys_in(
        &self,
        conn: &mut AnyConnection,
        person_ids: &[String],
    ) -> Result<u64, StoreError> {
        let mut destroyed = 0;
        for chunk in person_ids.chunks(2_000) {
            let sql = format!(
                "DELETE FROM record_keys WHERE person_id IN ({})",
                placeholder_list(self.backend, 1, chunk.len())
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for p in chunk {
                query = query.bind(p.clone());
            }
            destroyed += query.execute(&mut *conn).await?.rows_affected();
        }
        Ok(destroyed)
    }

    /// [`Store::destroy_person_keys_in`] in a transaction of its own, audited as `keys_destroy`.
    pub async fn destroy_person_keys(
        &self,
        person_ids: &[String],
        actor: Actor,
        now: Timestamp,
    ) -> Result<u64, StoreError> {
        let mut tx = self.begin_write().await?;
        let destroyed = self.destroy_person_keys_in(&mut tx, person_ids).await?;
        let detail = serde_json::json!({ "persons": person_ids, "keys": destroyed });
        crate::audit::record(&mut tx, actor, "keys_destroy", &person_ids.join(","), detail, now).await?;
        tx.commit().await?;
        Ok(destroyed)
    }

    /// Re-wraps every data key under `new` in one transaction (values are not touched) and
    /// audits it as `keys_rotate`. The store keeps using the old master key until reopened with
    /// the new one.
    pub async fn rotate_master_key(
        &self,
        new: &MasterKey,
        actor: Actor,
        now: Timestamp,
    ) -> Result<Rotation, StoreError> {
        let mut tx = self.begin_write().await?;
        check_master_key(&mut tx, &self.master).await?;
        let mut counts = [0u64; 2];
        for (i, (table, column)) in
            [("record_keys", "source_record_id"), ("scope_keys", "scope")].into_iter().enumerate()
        {
            let rows = sqlx::query(AssertSqlSafe(format!("SELECT {column} AS scope, wrapped FROM {table}")))
                .fetch_all(&mut *tx)
                .await?;
            let mut rewrapped = Vec::with_capacity(rows.len());
            for row in rows {
                let scope: String = row.try_get("scope")?;
                let wrapped: Vec<u8> = row.try_get("wrapped")?;
                let key = self.master.unwrap_key(&scope, &wrapped)?;
                rewrapped.push((scope.clone(), new.wrap(&scope, &key)));
            }
            let sql = format!("UPDATE {table} SET wrapped = $1, master_key_id = $2 WHERE {column} = $3");
            for (scope, wrapped) in rewrapped {
                sqlx::query(AssertSqlSafe(sql.clone()))
                    .bind(wrapped)
                    .bind(new.id())
                    .bind(scope)
                    .execute(&mut *tx)
                    .await?;
                counts[i] += 1;
            }
        }
        let rotation = Rotation {
            old_key_id: self.master.id().to_string(),
            new_key_id: new.id().to_string(),
            record_keys: counts[0],
            scope_keys: counts[1],
        };
        let detail = serde_json::to_value(&rotation).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        crate::audit::record(&mut tx, actor, "keys_rotate", new.id(), detail, now).await?;
        tx.commit().await?;
        Ok(rotation)
    }
}
