//! The DPO's actions on a request, each a POST form (the guard has checked the session's CSRF
//! token): record verification of a post or phone request, send a code, confirm or reject a
//! possible match, complete, refuse with a reason, extend with a reason, add a note. Each calls
//! `rights::service` and redirects (303) back to the request's page; an action the law or the
//! request's state refuses shows the page again with the reason (409), a missing field with a
//! message (400) — never a 500.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use dataward_core::rights::{Event, ExtensionGround, ExtensionReason, RefusalReason};
use serde::Deserialize;

use super::rights_request::{find, request_page};
use super::session::StaffSession;
use crate::config::ServerConfig;
use crate::error::AppError;
use crate::rights::report_page::render_report;
use crate::rights::service;
use crate::state::AppState;

/// The fields any of the action forms may carry (each action reads its own).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    /// `accept` or `reject`, for a possible match.
    decision: String,
    /// A refusal reason (`RefusalReason`).
    reason: String,
    /// 1 or 2, for an extension.
    months: String,
    /// `complex` or `numerous_requests`.
    ground: String,
    /// The explanation of an extension, which the requester is sent.
    explanation: String,
    /// A note's text (kept in the audit trail; staff are asked to keep personal data out).
    note: String,
}

fn actor(session: &StaffSession) -> String {
    format!("staff:{}", session.staff.name)
}

/// Answers an action on the request named by `reference`: on success a redirect to its page
/// with `done`, on a refusal its page with the message.
async fn answer(
    state: &AppState,
    session: &StaffSession,
    reference: &str,
    done: &str,
    outcome: Result<(), AppError>,
) -> Result<Response, AppError> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!("/console/rights/{reference}?done={done}")).into_response()),
        Err(refused @ (AppError::Conflict(_) | AppError::InvalidRequest(_))) => {
            let status = refused.status();
            tracing::info!(request = reference, action = done, %status, "rights action refused");
            let request = find(state, reference).await?;
            request_page(state, session, &request, status, Some(&refused.to_string()), None).await
        }
        Err(other) => Err(other),
    }
}

fn missing(what: &str) -> AppError {
    AppError::InvalidRequest(format!("{what} is required"))
}

/// `POST /console/rights/{reference}/verified`: identity checked by post or phone.
pub async fn record_verified(
    State(state): State<AppState>,
    session: StaffSession,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    let who = actor(&session);
    let r = find(&state, &reference).await?;
    let outcome = service::record_verification(&state, &r, &who).await;
    answer(&state, &session, &reference, "verified", outcome).await
}

/// `POST /console/rights/{reference}/send-code`: ask the requester to prove their contact.
pub async fn send_code(
    State(state): State<AppState>,
    session: StaffSession,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    let who = actor(&session);
    let r = find(&state, &reference).await?;
    let outcome: Result<(), AppError> = async {
        let r =
            state.store.transition_rights_request(&r.id, Event::RequireVerification, &who, state.clock.now()).await?;
        service::send_code(&state, &r).await
    }
    .await;
    answer(&state, &session, &reference, "code_sent", outcome).await
}

/// `POST /console/rights/{reference}/confirm` with `decision=accept|reject`.
pub async fn confirm_match(
    State(state): State<AppState>,
    session: StaffSession,
    Path(reference): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, AppError> {
    let who = actor(&session);
    let accept = match form.decision.as_str() {
        "accept" => Some(true),
        "reject" => Some(false),
        _ => None,
    };
    let done = if accept == Some(false) { "rejected" } else { "confirmed" };
    let r = find(&state, &reference).await?;
    let outcome: Result<(), AppError> = async {
        let accept = accept.ok_or_else(|| missing("A decision (accept or reject)"))?;
        service::confirm_candidate(&state, &r, accept, &who).await
    }
    .await;
    answer(&state, &session, &reference, done, outcome).await
}

/// `POST /console/rights/{reference}/complete`.
pub async fn complete(
    State(state): State<AppState>,
    Extension(config): Extension<Arc<ServerConfig>>,
    session: StaffSession,
    Path(reference): Path<String>,
) -> Result<Response, AppError> {
    let who = actor(&session);
    let prepared = state.today().to_string();
    let r = find(&state, &reference).await?;
    let outcome: Result<(), AppError> = async {
        service::complete(&state, &r, &who, &config.public_url, |report, req| render_report(report, req, &prepared))
            .await
            .map(|_| ())
    }
    .await;
    answer(&state, &session, &reference, "completed", outcome).await
}

/// `POST /console/rights/{reference}/refuse` with `reason`.
pub async fn refuse(
    State(state): State<AppState>,
    session: StaffSession,
    Path(reference): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, AppError> {
    let who = actor(&session);
    let r = find(&state, &reference).await?;
    let outcome: Result<(), AppError> = async {
        let reason = RefusalReason::parse(&form.reason).ok_or_else(|| missing("A refusal reason"))?;
        service::refuse(&state, &r, reason, &who).await
    }
    .await;
    answer(&state, &session, &reference, "refused", outcome).await
}

/// `POST /console/rights/{reference}/extend` with `months`, `ground` and `explanation`.
pub async fn extend(
    State(state): State<AppState>,
    session: StaffSession,
    Path(reference): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, AppError> {
    let who = actor(&session);
    let r = find(&state, &reference).await?;
    let outcome: Result<(), AppError> = async {
        let months: u8 = form.months.trim().parse().map_err(|_| missing("The number of months (1 or 2)"))?;
        let ground = match form.ground.as_str() {
            "complex" => ExtensionGround::Complex,
            "numerous_requests" => ExtensionGround::NumerousRequests,
            _ => return Err(missing("A ground (complex or numerous requests)")),
        };
        let explanation = form.explanation.trim();
        if explanation.is_empty() {
            return Err(missing("The explanation the requester is sent"));
        }
        service::extend(&state, &r, months, ExtensionReason::new(ground, explanation), &who).await
    }
    .await;
    answer(&state, &session, &reference, "extended", outcome).await
}

/// The longest note kept.
const MAX_NOTE_CHARS: usize = 2000;

/// `POST /console/rights/{reference}/note` with `note`: a line in the audit trail.
pub async fn add_note(
    State(state): State<AppState>,
    session: StaffSession,
    Path(reference): Path<String>,
    Form(form): Form<ActionForm>,
) -> Result<Response, AppError> {
    let who = actor(&session);
    let r = find(&state, &reference).await?;
    let outcome: Result<(), AppError> = async {
        let text = form.note.trim();
        if text.is_empty() {
            return Err(missing("The note's text"));
        }
        let text: String = text.chars().take(MAX_NOTE_CHARS).collect();
        let detail = serde_json::json!({ "text": text });
        state.store.note_rights_request(&r.id, "note", &detail, &who, state.clock.now()).await?;
        Ok(())
    }
    .await;
    answer(&state, &session, &reference, "noted", outcome).await
}
