//! `GET /console/breaches`: breach incidents with their 72-hour reporting clock (time left, or
//! overdue), newest first, for the roles allowed to manage breaches. Descriptions name the
//! incident, not the people in it; affected persons are listed only by `dataward breach assess`.

use axum::extract::State;
use axum::response::Html;
use dataward_core::breach::clock::ReportingClock;
use minijinja::context;
use minijinja::value::Serde;
use serde::Serialize;

use super::page::page;
use super::session::StaffSession;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Serialize)]
struct BreachRow {
    id: String,
    exposure: String,
    categories: String,
    description: String,
    detected_at: String,
    deadline: String,
    clock: String,
    overdue: bool,
    closed: bool,
    reported_to_ico: Option<bool>,
}

/// `GET /console/breaches`.
pub async fn list_breaches(State(state): State<AppState>, session: StaffSession) -> Result<Html<String>, AppError> {
    let now = state.clock.now();
    let mut rows = Vec::new();
    for breach in state.store.list_breaches().await? {
        let clock = ReportingClock::at(breach.detected()?, now, breach.closed()?);
        rows.push(BreachRow {
            id: breach.id.clone(),
            exposure: breach.exposure.clone(),
            categories: if breach.categories.is_empty() { "all".into() } else { breach.categories.join(", ") },
            description: breach.description.clone(),
            detected_at: breach.detected_at.clone(),
            deadline: clock.deadline.to_string(),
            clock: clock.describe(),
            overdue: clock.overdue,
            closed: clock.stopped,
            reported_to_ico: breach.reported_to_ico,
        });
    }
    page(&session, "console/breaches.html", context! { breaches => Serde(rows) })
}
