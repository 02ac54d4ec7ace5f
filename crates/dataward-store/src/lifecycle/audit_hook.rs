//! The single call site for lifecycle and breach actions (withdrawals, holds, purges, breach
//! incidents) to reach the hash-chained audit log, inside the action's own transaction so that
//! an action and its entry commit together or not at all. Details carry ids, names of partners
//! and clients, reasons and counts — never a personal value.

use dataward_core::audit::{Actor, NewAuditEntry};
use jiff::Timestamp;

use sqlx::AnyConnection;

use crate::StoreError;

/// Appends one lifecycle or breach action (`action` like `partner_withdraw`, `purge_apply`) to
/// the audit log on `conn`, the action's open transaction (as its last statement: see
/// [`crate::audit`]). The target is taken from the detail's first id-like field.
pub(crate) async fn lifecycle_audit(
    conn: &mut AnyConnection,
    actor: Actor,
    action: &str,
    detail: serde_json::Value,
    now: Timestamp,
) -> Result<(), StoreError> {
    let target = ["partner", "hold", "breach"]
        .iter()
        .find_map(|k| detail.get(*k).and_then(|v| v.as_str()).map(str::to_string))
        .unwrap_or_default();
    let entry = NewAuditEntry::new(actor, action, target, detail).map_err(|e| StoreError::Invalid(e.to_string()))?;
    crate::audit::append_audit_on(conn, &entry, now).await?;
    Ok(())
}
