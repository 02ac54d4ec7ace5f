//! The operator's suppression list: opt-outs, objections, erasures and consent withdrawals, each
//! held as the keyed digest of a normalised identifier with its reason and scope.
//!
//! Adding the same identifier for the same reason and scope twice keeps one entry (the first).
//! Nothing here holds a clear value: callers digest the identifier first
//! (`dataward_core::screening::keys`).

use dataward_core::audit::Actor;
use dataward_core::keys::Digest;
use dataward_core::screening::{IdentifierKind, Scope, SuppressionEntry, SuppressionIndex, SuppressionReason};
use futures_util::TryStreamExt;
use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::store::new_id;
use crate::{Store, StoreError};

/// A suppression to add.
#[derive(Debug, Clone)]
pub struct NewSuppression {
    pub identifier: IdentifierKind,
    pub digest: Digest,
    pub reason: SuppressionReason,
    pub scope: Scope,
    pub person_id: Option<String>,
}

/// A stored suppression: metadata and the digest in hex, never the identifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suppression {
    pub id: String,
    pub identifier: IdentifierKind,
    /// The keyed digest in hex.
    pub digest: String,
    pub reason: SuppressionReason,
    pub scope: Scope,
    pub person_id: Option<String>,
    pub created_at: String,
}

const COLUMNS: &str = "id, digest, identifier_kind, reason, scope, person_id, created_at";

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn from_row(row: &AnyRow) -> Result<(Suppression, Digest), StoreError> {
    let bytes: Vec<u8> = row.try_get("digest")?;
    let digest: Digest = bytes.try_into().map_err(|_| corrupt("suppression digest of wrong length"))?;
    let identifier: String = row.try_get("identifier_kind")?;
    let reason: String = row.try_get("reason")?;
    let scope: String = row.try_get("scope")?;
    let suppression = Suppression {
        id: row.try_get("id")?,
        identifier: IdentifierKind::parse(&identifier).map_err(corrupt)?,
        digest: hex::encode(digest),
        reason: SuppressionReason::parse(&reason).map_err(corrupt)?,
        scope: Scope::parse(&scope).map_err(corrupt)?,
        person_id: row.try_get("person_id")?,
        created_at: row.try_get("created_at")?,
    };
    Ok((suppression, digest))
}

impl Store {
    /// Adds a suppression; returns it and whether it is new (`false`: it was already held, and
    /// the earlier entry is returned).
    pub async fn add_suppression(
        &self,
        new: &NewSuppression,
        now: Timestamp,
    ) -> Result<(Suppression, bool), StoreError> {
        self.add_suppression_as(new, Actor::Cli, now).await
    }

    /// [`Store::add_suppression`] on behalf of `actor` (the audit log names it).
    pub async fn add_suppression_as(
        &self,
        new: &NewSuppression,
        actor: Actor,
        now: Timestamp,
    ) -> Result<(Suppression, bool), StoreError> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO suppressions (id, digest, identifier_kind, reason, scope, person_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (digest, identifier_kind, reason, scope) DO NOTHING",
        )
        .bind(new_id())
        .bind(new.digest.to_vec())
        .bind(new.identifier.as_str())
        .bind(new.reason.as_str())
        .bind(new.scope.as_str())
        .bind(new.person_id.clone())
        .bind(now.to_string())
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let sql = format!(
            "SELECT {COLUMNS} FROM suppressions
             WHERE digest = $1 AND identifier_kind = $2 AND reason = $3 AND scope = $4"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(new.digest.to_vec())
            .bind(new.identifier.as_str())
            .bind(new.reason.as_str())
            .bind(new.scope.as_str())
            .fetch_one(&mut *tx)
            .await?;
        let suppression = from_row(&row)?.0;
        if inserted {
            let detail = serde_json::json!({
                "identifier": new.identifier.as_str(), "reason": new.reason.as_str(), "scope": new.scope.as_str(),
                "person": new.person_id,
            });
            crate::audit::record(&mut tx, actor, "suppression_add", &suppression.id, detail, now).await?;
        }
        tx.commit().await?;
        Ok((suppression, inserted))
    }

    /// Every suppression, oldest first.
    pub async fn list_suppressions(&self) -> Result<Vec<Suppression>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM suppressions ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(|r| from_row(r).map(|(s, _)| s)).collect()
    }

    /// The whole suppression list in memory, for screening.
    pub async fn suppression_index(&self) -> Result<SuppressionIndex, StoreError> {
        let mut index = SuppressionIndex::new();
        let sql = format!("SELECT {COLUMNS} FROM suppressions");
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            let (s, digest) = from_row(&row)?;
            index.insert(&digest, SuppressionEntry { identifier: s.identifier, reason: s.reason, scope: s.scope });
        }
        Ok(index)
    }

    /// A screener over every register and the suppression list as they are now.
    pub async fn screener(&self) -> Result<dataward_core::screening::Screener, StoreError> {
        let mut screener = dataward_core::screening::Screener::new(self.indexer.clone());
        for kind in dataward_core::screening::RegisterKind::ALL {
            screener.set_register(kind, self.screening_set(kind).await?);
        }
        screener.set_suppressions(self.suppression_index().await?);
        Ok(screener)
    }
}
