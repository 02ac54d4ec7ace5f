//! Legal holds: a person or a partner whose records no purge removes until the hold is lifted.
//! Each hold and each lift carries the operator's reason; lifted holds stay listed.

use dataward_core::lifecycle::hold::{ActiveHolds, HoldTarget};
use dataward_core::lifecycle::require_reason;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::audit_hook::lifecycle_audit;
use crate::store::new_id;
use crate::{Store, StoreError};

/// A legal hold as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalHold {
    pub id: String,
    pub target: HoldTarget,
    /// The partner's name, for a partner hold.
    pub partner: Option<String>,
    pub reason: String,
    pub created_at: String,
    pub lifted_at: Option<String>,
    pub lift_reason: Option<String>,
}

/// Whom to hold, as the operator names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoldSubject {
    PersonId(String),
    PartnerName(String),
}

fn invalid(e: impl std::fmt::Display) -> StoreError {
    StoreError::Invalid(e.to_string())
}

fn from_row(row: &AnyRow) -> Result<LegalHold, StoreError> {
    let kind: String = row.try_get("target_kind")?;
    let id: String = row.try_get("target_id")?;
    Ok(LegalHold {
        id: row.try_get("id")?,
        target: HoldTarget::from_parts(&kind, &id).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        partner: row.try_get("partner")?,
        reason: row.try_get("reason")?,
        created_at: row.try_get("created_at")?,
        lifted_at: row.try_get("lifted_at")?,
        lift_reason: row.try_get("lift_reason")?,
    })
}

const SELECT: &str = "SELECT h.id, h.target_kind, h.target_id, p.name AS partner, h.reason, h.created_at, h.lifted_at,
        h.lift_reason
    FROM legal_holds h LEFT JOIN partners p ON h.target_kind = 'partner' AND p.id = h.target_id";

impl Store {
    /// Places a legal hold. The person must be held now; the partner must exist.
    pub async fn add_hold(
        &self,
        subject: &HoldSubject,
        reason: &str,
        now: Timestamp,
        actor: dataward_core::audit::Actor,
    ) -> Result<LegalHold, StoreError> {
        let reason = require_reason("a legal hold", reason).map_err(invalid)?;
        let target = match subject {
            HoldSubject::PersonId(id) => {
                let found: Option<(String,)> =
                    sqlx::query_as("SELECT id FROM persons WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
                if found.is_none() {
                    return Err(StoreError::NotFound { what: "person", name: id.clone() });
                }
                HoldTarget::Person(id.clone())
            }
            HoldSubject::PartnerName(name) => HoldTarget::Partner(self.partner_by_name(name).await?.id),
        };
        let id = new_id();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO legal_holds (id, target_kind, target_id, reason, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&id)
        .bind(target.kind())
        .bind(target.id())
        .bind(&reason)
        .bind(now.to_string())
        .execute(&mut *tx)
        .await?;
        let detail = json!({ "hold": id, "target": target, "reason": reason });
        lifecycle_audit(&mut tx, actor, "hold_add", detail, now).await?;
        tx.commit().await?;
        self.hold(&id).await
    }

    /// One hold by id.
    pub async fn hold(&self, id: &str) -> Result<LegalHold, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} WHERE h.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => from_row(&r),
            None => Err(StoreError::NotFound { what: "legal hold", name: id.to_string() }),
        }
    }

    /// Holds, oldest first; lifted ones only with `include_lifted`.
    pub async fn list_holds(&self, include_lifted: bool) -> Result<Vec<LegalHold>, StoreError> {
        let filter = if include_lifted { "" } else { "WHERE h.lifted_at IS NULL" };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{SELECT} {filter} ORDER BY h.created_at, h.id")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Lifts a hold with a reason; from now on purges may remove what it kept.
    pub async fn lift_hold(
        &self,
        id: &str,
        reason: &str,
        now: Timestamp,
        actor: dataward_core::audit::Actor,
    ) -> Result<LegalHold, StoreError> {
        let reason = require_reason("lifting a legal hold", reason).map_err(invalid)?;
        let hold = self.hold(id).await?;
        if let Some(at) = &hold.lifted_at {
            return Err(StoreError::Conflict(format!("legal hold {id} was already lifted at {at}")));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE legal_holds SET lifted_at = $1, lift_reason = $2 WHERE id = $3 AND lifted_at IS NULL")
            .bind(now.to_string())
            .bind(&reason)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let detail = json!({ "hold": id, "target": hold.target, "reason": reason });
        lifecycle_audit(&mut tx, actor, "hold_lift", detail, now).await?;
        tx.commit().await?;
        self.hold(id).await
    }

    /// The holds in force.
    pub async fn active_holds(&self) -> Result<ActiveHolds, StoreError> {
        let holds = self.list_holds(false).await?;
        Ok(ActiveHolds::new(holds.iter().map(|h| &h.target)))
    }
}
