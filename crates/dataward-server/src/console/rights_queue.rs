//! `GET /console/rights[?all=1]`: the DPO's queue of rights requests — overdue first, then due
//! within 7 days, then the rest by due date — with each request's kind, state and due date.
//! `all` adds closed requests after the open ones.

use axum::extract::{Query, State};
use axum::response::Html;
use dataward_core::rights::{Urgency, queue_cmp, urgency};
use dataward_store::rights::StoredRequest;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::page::page;
use super::session::StaffSession;
use crate::error::AppError;
use crate::rights::service;
use crate::state::AppState;

/// The query of the queue page.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    all: Option<String>,
}

/// One line of the queue (no personal data: the requester is shown on the request's page).
#[derive(Serialize)]
pub struct QueueRow {
    pub reference: String,
    pub kind: &'static str,
    pub status: String,
    pub channel: String,
    pub received_at: String,
    pub due_on: Option<String>,
    pub urgency: &'static str,
    pub matched: String,
}

/// The urgency's name for pages.
pub fn urgency_name(u: Urgency) -> &'static str {
    match u {
        Urgency::Overdue => "overdue",
        Urgency::DueSoon => "due_soon",
        Urgency::OnTrack => "on_track",
        Urgency::Closed => "closed",
    }
}

fn row(r: &StoredRequest, today: jiff::civil::Date) -> QueueRow {
    QueueRow {
        reference: r.reference(),
        kind: r.request.kind().as_str(),
        status: r.request.status().to_string(),
        channel: r.channel.clone(),
        received_at: r.request.received_at().strftime("%Y-%m-%d %H:%M UTC").to_string(),
        due_on: r.request.due_on().map(|d| d.to_string()),
        urgency: urgency_name(urgency(&r.request, today)),
        matched: match (&r.match_band, &r.candidate_person) {
            (_, Some(_)) => "possible: to confirm".to_string(),
            (Some(band), None) => band.replace('_', " "),
            (None, None) => "not yet".to_string(),
        },
    }
}

/// `GET /console/rights`.
pub async fn show_queue(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<QueueQuery>,
) -> Result<Html<String>, AppError> {
    let today = state.today();
    let all = query.all.is_some_and(|a| !a.is_empty() && a != "0");
    let requests = if all {
        let mut every = state.store.all_rights_requests().await?;
        every.sort_by(|a, b| queue_cmp(&a.request, &b.request, today));
        every
    } else {
        service::queue(&state).await?
    };
    let rows: Vec<QueueRow> = requests.iter().map(|r| row(r, today)).collect();
    page(
        &session,
        "console/rights_queue.html",
        context! { rows => Serde(rows), all => all, today => today.to_string() },
    )
}
