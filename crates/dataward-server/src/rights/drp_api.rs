//! The rights API, shaped after the Data Rights Protocol (v0.9): submit a request, check its
//! status, verify it with the code sent to the requester, revoke it. The request id handed back
//! is an unguessable token: holding it is what lets a caller see or revoke the request, so one
//! requester can never look at another's.
//!
//! - `POST /v1/drp/requests` → 202 with `request_id`, status `in_progress`, reason
//!   `need_user_verification` and `expected_by` (the last day to verify).
//! - `POST /v1/drp/requests/{request_id}/verify` with `{ "code": "123456" }`.
//! - `GET /v1/drp/requests/{request_id}` → the DRP status view.
//! - `DELETE /v1/drp/requests/{request_id}` → revoked.
//!
//! Answers never depend on whether anything is held about the requester.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use dataward_core::rights::{ConsentScope, Event, ObjectionScope, RequestKind, Requester, RequesterForm, drp_view};
use dataward_core::taxonomy::Purpose;
use dataward_store::rights::StoredRequest;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::service::{self, Verification};
use crate::error::{AppError, Problem};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/drp/requests", post(submit))
        .route("/v1/drp/requests/{request_id}", get(status).delete(revoke))
        .route("/v1/drp/requests/{request_id}/verify", post(verify))
}

/// The requester's identity claims (DRP `identity`, flattened).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct IdentityClaims {
    pub given_name: String,
    pub family_name: String,
    pub email: Option<String>,
    pub phone_number: Option<String>,
    /// First address line.
    pub address_line: Option<String>,
    pub town: Option<String>,
    pub postcode: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthdate: Option<String>,
}

/// A correction for a `correction` request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct CorrectionClaim {
    /// One of first_name, surname, date_of_birth, email, phone, address_line_1, town, postcode.
    pub field: String,
    pub value: String,
}

/// A new request.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct DrpSubmit {
    /// `uk_gdpr` (the only regime served).
    pub regime: String,
    /// `access`, `portability`, `correction`, `deletion`, `restriction`, `lift_restriction`,
    /// `objection`, `objection:direct_marketing`, `consent_withdrawal` or
    /// `consent_withdrawal:<purpose>`.
    pub exercise: String,
    pub identity: IdentityClaims,
    #[serde(default)]
    pub corrections: Vec<CorrectionClaim>,
    pub details: Option<String>,
}

/// The DRP status of a request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrpStatusAnswer {
    /// Keep this: it is the only way to see or revoke the request.
    pub request_id: String,
    /// The reference to quote to the DPO (e.g. `R000042`).
    pub reference: String,
    /// `open`, `in_progress`, `fulfilled`, `denied`, `revoked` or `expired`.
    pub status: String,
    pub reason: Option<String>,
    pub received_at: String,
    /// The date the request will change state by at the latest.
    pub expected_by: Option<String>,
}

/// The code sent to the requester.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct DrpVerify {
    pub code: String,
}

/// Parses a DRP exercise name into a request kind.
pub fn parse_exercise(exercise: &str) -> Result<RequestKind, AppError> {
    let kind = match exercise {
        "access" => RequestKind::Access,
        "portability" => RequestKind::Portability,
        "correction" | "rectification" => RequestKind::Rectification,
        "deletion" | "erasure" => RequestKind::Erasure,
        "restriction" => RequestKind::Restriction,
        "lift_restriction" => RequestKind::LiftRestriction,
        "objection" => RequestKind::Objection { scope: ObjectionScope::AllLegitimateInterests },
        "objection:direct_marketing" | "sale:opt_out" => {
            RequestKind::Objection { scope: ObjectionScope::DirectMarketing }
        }
        "consent_withdrawal" => RequestKind::ConsentWithdrawal { scope: ConsentScope::AllConsent },
        other => match other.strip_prefix("consent_withdrawal:").and_then(Purpose::parse) {
            Some(p) => RequestKind::ConsentWithdrawal { scope: ConsentScope::Purpose(p) },
            None => return Err(AppError::InvalidRequest(format!("unknown exercise `{other}`"))),
        },
    };
    Ok(kind)
}

fn answer(request: &StoredRequest, token: &str) -> DrpStatusAnswer {
    let view = drp_view(&request.request);
    DrpStatusAnswer {
        request_id: token.to_string(),
        reference: request.reference(),
        status: view.status.as_str().into(),
        reason: view.reason.map(|r| r.as_str().to_string()),
        received_at: view.received_at.to_string(),
        expected_by: view.expected_by.map(|d| d.to_string()),
    }
}

async fn by_token(state: &AppState, token: &str) -> Result<StoredRequest, AppError> {
    state
        .store
        .rights_request_by_token(&service::token_digest(state, token))
        .await?
        .ok_or_else(|| AppError::NotFound("no request has this id".into()))
}

/// Submit a data-rights request.
#[utoipa::path(
    post,
    path = "/v1/drp/requests",
    tag = "rights",
    request_body = DrpSubmit,
    responses(
        (status = 202, description = "Recorded; a code was sent to the requester's email or phone", body = DrpStatusAnswer),
        (status = 400, description = "Malformed request, unknown exercise or missing identity", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn submit(
    State(state): State<AppState>,
    payload: Result<Json<DrpSubmit>, JsonRejection>,
) -> Result<(StatusCode, Json<DrpStatusAnswer>), AppError> {
    let Json(req) = payload.map_err(|e| AppError::InvalidRequest(e.body_text()))?;
    if req.regime != "uk_gdpr" {
        return Err(AppError::InvalidRequest(format!("regime `{}` is not served; use `uk_gdpr`", req.regime)));
    }
    let kind = parse_exercise(&req.exercise)?;
    let id = req.identity;
    let form = RequesterForm {
        first_name: id.given_name,
        surname: id.family_name,
        email: id.email,
        phone: id.phone_number,
        address_line_1: id.address_line,
        town: id.town,
        postcode: id.postcode,
        date_of_birth: id.birthdate,
        details: req.details,
        corrections: req.corrections.into_iter().map(|c| (c.field, c.value)).collect(),
    };
    let requester = Requester::from_form(&form).map_err(|e| AppError::InvalidRequest(e.to_string()))?;
    if kind == RequestKind::Rectification && requester.corrections.is_empty() {
        return Err(AppError::InvalidRequest("a correction request needs at least one correction".into()));
    }
    let submitted = service::submit(&state, kind, &requester, "api", "api").await?;
    Ok((StatusCode::ACCEPTED, Json(answer(&submitted.request, &submitted.status_token))))
}

/// The status of a request.
#[utoipa::path(
    get,
    path = "/v1/drp/requests/{request_id}",
    tag = "rights",
    params(("request_id" = String, Path, description = "The id returned on submission")),
    responses(
        (status = 200, description = "The DRP status view", body = DrpStatusAnswer),
        (status = 404, description = "No request has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn status(
    State(state): State<AppState>,
    Path(request_id): Path<String>,
) -> Result<Json<DrpStatusAnswer>, AppError> {
    let request = by_token(&state, &request_id).await?;
    Ok(Json(answer(&request, &request_id)))
}

/// Verify a request with the code sent to the requester.
#[utoipa::path(
    post,
    path = "/v1/drp/requests/{request_id}/verify",
    tag = "rights",
    request_body = DrpVerify,
    params(("request_id" = String, Path, description = "The id returned on submission")),
    responses(
        (status = 200, description = "Verified: the response clock runs from now", body = DrpStatusAnswer),
        (status = 404, description = "No request has this id", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Wrong, expired or used code, or the request is not waiting for one", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn verify(
    State(state): State<AppState>,
    Path(request_id): Path<String>,
    payload: Result<Json<DrpVerify>, JsonRejection>,
) -> Result<Json<DrpStatusAnswer>, AppError> {
    let Json(req) = payload.map_err(|e| AppError::InvalidRequest(e.body_text()))?;
    let request = by_token(&state, &request_id).await?;
    match service::verify_code(&state, &request, &req.code).await? {
        Verification::Verified => Ok(Json(answer(&by_token(&state, &request_id).await?, &request_id))),
        Verification::WrongCode { attempts_left } => {
            Err(AppError::CodeRefused(format!("that code is not right; {attempts_left} attempts left")))
        }
        Verification::CodeVoid => {
            Err(AppError::CodeRefused("that code has expired or been used up; ask for a new one".into()))
        }
        Verification::NotAwaiting => Err(AppError::CodeRefused("this request is not waiting for a code".into())),
    }
}

/// Revoke a request.
#[utoipa::path(
    delete,
    path = "/v1/drp/requests/{request_id}",
    tag = "rights",
    params(("request_id" = String, Path, description = "The id returned on submission")),
    responses(
        (status = 200, description = "Revoked", body = DrpStatusAnswer),
        (status = 404, description = "No request has this id", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The request is already closed", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn revoke(
    State(state): State<AppState>,
    Path(request_id): Path<String>,
) -> Result<Json<DrpStatusAnswer>, AppError> {
    let request = by_token(&state, &request_id).await?;
    let revoked =
        state.store.transition_rights_request(&request.id, Event::Revoke, "requester", state.clock.now()).await?;
    Ok(Json(answer(&revoked, &request_id)))
}
