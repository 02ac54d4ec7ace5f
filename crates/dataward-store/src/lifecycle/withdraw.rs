//! Withdrawing a partner: from this moment nothing of it is released (the policy denies its
//! values `source_withdrawn`, and client matching ignores its records), no new file of it is
//! accepted, and its records sit in the rights-only hold until the purge removes them.

use jiff::Timestamp;
use serde_json::json;

use crate::lifecycle::audit_hook::lifecycle_audit;
use crate::partners::Partner;
use crate::{Store, StoreError};

impl Store {
    /// Withdraws the partner named `name` at `now`, with the operator's reason.
    pub async fn withdraw_partner(
        &self,
        name: &str,
        reason: Option<&str>,
        now: Timestamp,
        actor: dataward_core::audit::Actor,
    ) -> Result<Partner, StoreError> {
        let partner = self.partner_by_name(name).await?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE partners SET status = 'withdrawn', withdrawn_at = $1, withdrawal_reason = $2
             WHERE id = $3 AND status = 'active'",
        )
        .bind(now.to_string())
        .bind(reason)
        .bind(&partner.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict(format!(
                "partner `{name}` was already withdrawn at {}",
                partner.withdrawn_at.as_deref().unwrap_or("an unknown time")
            )));
        }
        let detail = json!({ "partner": partner.name, "reason": reason });
        lifecycle_audit(&mut tx, actor, "partner_withdraw", detail, now).await?;
        tx.commit().await?;
        self.partner_by_name(name).await
    }
}
