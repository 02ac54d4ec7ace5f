//! The scheduled purge inside `dataward serve`: records past their partner's retention and
//! withdrawn partners' records whose rights-only hold has ended are removed (unless a legal hold
//! keeps them), at start-up and then every [`PURGE_EVERY`].
//!
//! [`try_execute_task`] runs one purge at the state's clock, so tests drive it deterministically
//! by moving a [`FixedClock`](crate::state::FixedClock); [`purge_loop`] only repeats it.

use std::time::Duration;

use dataward_core::lifecycle::report::PurgeReport;
use dataward_store::lifecycle::purge::PurgeRequest;

use crate::error::AppError;
use crate::state::AppState;

/// How often the server purges.
pub const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Applies one purge at the state's clock and returns what it removed.
pub async fn try_execute_task(state: &AppState) -> Result<PurgeReport, AppError> {
    let now = state.clock.now();
    let request = PurgeRequest {
        now,
        today: AppState::today_at(now),
        hold_days: state.profile.departed_partner_hold_days,
        thresholds: state.profile.linkage,
        apply: true,
        actor: dataward_core::audit::Actor::System,
    };
    Ok(state.store.purge(&request).await?)
}

/// Purges now and then every `every` until the task is dropped. Logs counts only.
pub async fn purge_loop(state: AppState, every: Duration) {
    loop {
        match try_execute_task(&state).await {
            Ok(report) if report.is_empty() => tracing::debug!("purge: nothing due"),
            Ok(report) => tracing::info!(
                records = report.records,
                values = report.values,
                persons = report.persons_removed,
                "purge applied"
            ),
            Err(e) => tracing::error!(error = %e, "purge failed; nothing was removed"),
        }
        tokio::time::sleep(every).await;
    }
}
