//! `GET /console/rights/{reference}`: one request for the DPO — the requester as they submitted
//! it, the state and due date, who it was matched to (a *possible* match is shown with the
//! candidate's data, to be confirmed or rejected here, and is never acted on before), the access
//! report preview (`service::report_for`), the notifications sent, the full audit trail, and the
//! action forms the state allows. The actions themselves are in `rights_actions`, which shows
//! this page again with its error when an action is refused.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dataward_core::rights::{RefusalReason, Status, urgency};
use dataward_store::rights::StoredRequest;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::page::page;
use super::rights_queue::urgency_name;
use super::session::StaffSession;
use crate::error::AppError;
use crate::rights::service;
use crate::state::AppState;

/// The query of the request page: the action just done (a fixed word, never data).
#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

/// A value held about the possible match, for the DPO to compare with the requester.
#[derive(Serialize)]
struct CandidateValue {
    field: String,
    value: String,
    partner: String,
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    label: String,
}

/// The message shown after an action succeeded.
fn done_message(done: &str) -> Option<&'static str> {
    Some(match done {
        "created" => "Request recorded.",
        "verified" => "Verification recorded; the requester has been matched.",
        "code_sent" => "A code has been queued to the requester's contact.",
        "confirmed" => "The possible match is confirmed: the request now acts on that person.",
        "rejected" => "The possible match is rejected: the request acts on no one.",
        "completed" => "Request completed; the requester has been told.",
        "refused" => "Request refused; the requester has been told.",
        "extended" => "Deadline extended; the requester has been told why.",
        "noted" => "Note added to the audit trail.",
        _ => return None,
    })
}

/// An instant to the minute, for reading (the audit trail keeps the exact instants).
fn minute(at: jiff::Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M UTC").to_string()
}

/// Finds a request by its reference, or a 404.
pub async fn find(state: &AppState, reference: &str) -> Result<StoredRequest, AppError> {
    state
        .store
        .rights_request_by_reference(reference)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no request {reference}")))
}

/// The request page at `status`, with an error (a refused action) or a done message.
pub async fn request_page(
    state: &AppState,
    session: &StaffSession,
    request: &StoredRequest,
    status: StatusCode,
    error: Option<&str>,
    done: Option<&str>,
) -> Result<Response, AppError> {
    let today = state.today();
    let r = &request.request;
    let kind = r.kind();
    let report = service::report_for(state, &request.person_ids).await?;
    let candidate: Vec<CandidateValue> = match &request.candidate_person {
        Some(person) => state
            .store
            .held_facts(person)
            .await?
            .into_iter()
            .map(|f| CandidateValue { field: f.field, value: f.value, partner: f.partner })
            .collect(),
        None => Vec::new(),
    };
    let refusals: Vec<Choice> = RefusalReason::ALL
        .into_iter()
        .filter(|reason| reason.allowed_for(kind))
        .map(|reason| Choice { value: reason.as_str(), label: reason.as_str().replace('_', " ") })
        .collect();
    let history = state.store.rights_history(&request.id).await?;
    let history: Vec<_> = history
        .into_iter()
        .map(
            |e| context! { seq => e.seq, at => e.at, actor => e.actor, kind => e.kind, detail => e.detail.to_string() },
        )
        .collect();
    let notifications = state.store.request_notifications(&request.id).await?;
    let current = r.status();
    let html = page(
        session,
        "console/rights_request.html",
        context! {
            reference => request.reference(), kind => kind.as_str(), kind_detail => Serde(kind),
            status => current.as_str(), status_text => current.to_string(), channel => request.channel.clone(),
            received_at => minute(r.received_at()), verified_at => r.verified_at().map(minute),
            due_on => r.due_on().map(|d| d.to_string()), urgency => urgency_name(urgency(r, today)),
            extension => r.extension().map(|e| context! {
                months => e.months, ground => e.reason.ground.as_str(), explanation => e.reason.explanation.clone(),
                extended_due => e.extended_due.to_string(),
            }),
            requester => Serde(&request.requester), contact_kind => request.requester.contact().kind(),
            match_band => request.match_band.clone(), persons => Serde(&request.person_ids),
            candidate_person => request.candidate_person.clone(), candidate => Serde(candidate),
            report => Serde(report), history => history, notifications => Serde(notifications),
            refusals => Serde(refusals), can_verify => current == Status::Received,
            can_work => matches!(current, Status::InProgress | Status::Extended),
            is_open => !current.is_final(), error => error, done => done,
        },
    )?;
    Ok((status, html).into_response())
}

/// `GET /console/rights/{reference}[?done=WORD]`.
pub async fn show_request(
    State(state): State<AppState>,
    session: StaffSession,
    Path(reference): Path<String>,
    Query(query): Query<DoneQuery>,
) -> Result<Response, AppError> {
    let request = find(&state, &reference).await?;
    request_page(&state, &session, &request, StatusCode::OK, None, done_message(&query.done)).await
}
