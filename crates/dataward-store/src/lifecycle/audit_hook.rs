//! The single call site for lifecycle and breach actions (withdrawals, holds, purges, breach
//! incidents) to reach the audit log.
//!
//! AUDIT-HOOK: the audit log (issue 6 item 4, branch `security`) will expose
//! `Store::append_audit`. When it lands, replace the body of [`Store::lifecycle_audit`] with a
//! call to it; every lifecycle action already goes through here. Details carry ids, names of
//! partners and clients, reasons and counts — never a personal value.

use crate::{Store, StoreError};

impl Store {
    /// Reports one lifecycle or breach action (`action` like `partner.withdraw`, `purge.apply`).
    pub async fn lifecycle_audit(&self, action: &str, detail: serde_json::Value) -> Result<(), StoreError> {
        tracing::info!(target: "dataward::audit", action, detail = %detail, "lifecycle action");
        Ok(())
    }
}
