//! The administrator's pages: the staff list (names, roles, second factor, lock and disabled
//! state; never a hash or secret).

use axum::extract::State;
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::page::page;
use super::session::StaffSession;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Serialize)]
struct StaffRow {
    name: String,
    role: &'static str,
    totp: bool,
    locked: bool,
    disabled: bool,
    created_at: String,
}

/// `GET /console/staff`.
pub async fn list_staff(State(state): State<AppState>, session: StaffSession) -> Result<Html<String>, AppError> {
    let now = state.clock.now();
    let rows: Vec<StaffRow> = state
        .store
        .list_staff()
        .await?
        .into_iter()
        .map(|s| StaffRow {
            locked: s.lockout.is_locked(now),
            disabled: s.disabled_at.is_some(),
            name: s.name,
            role: s.role.title(),
            totp: s.totp_enabled,
            created_at: s.created_at,
        })
        .collect();
    page(&session, "console/staff.html", context! { members => Serde(rows) })
}
