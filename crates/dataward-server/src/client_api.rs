//! The client API: what clients pay for, each call naming its purpose.
//!
//! - `POST /v1/client/verify`: does the client's record of a customer match a person held? The
//!   match band and per-field agree/disagree/unknown; no stored value.
//! - `POST /v1/client/trace`: the person's values the policy allows for the purpose (tracing, debt
//!   recovery, revenue collection, contact append), each with its source partner and collection
//!   date, and the withheld ones as reason codes only.
//! - `GET /v1/client/requests/{id}`: why each value of one of this client's requests was released
//!   or withheld (explain).
//! - `GET /v1/client/requests/{id}/sources`: the partners whose data this client received in that
//!   request (source audit).
//!
//! A purpose the client has not contracted is a 403 problem (`purpose-not-contracted`); one client
//! never sees another client's requests (404, as for an unknown id).

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use dataward_store::release::DecisionRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::client_auth::AuthenticatedClient;
use crate::error::{AppError, Problem};
use crate::middleware::current_request_id;
use crate::release::{self, Ask, Subject, TraceAnswer, VerifyAnswer};
use crate::state::AppState;

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/client/verify", post(verify))
        .route("/v1/client/trace", post(trace))
        .route("/v1/client/requests/{id}", get(explain))
        .route("/v1/client/requests/{id}/sources", get(sources))
}

/// A question about one person, for one purpose.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectRequest {
    /// The purpose of this use, e.g. `identity_verification`, `tracing`, `debt_recovery`.
    pub purpose: String,
    /// The client's record of the person.
    pub subject: Subject,
}

/// A past request and every decision taken for it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Explanation {
    pub request_id: String,
    pub kind: String,
    pub purpose: String,
    pub at: String,
    pub band: String,
    #[schema(value_type = Vec<Object>)]
    pub decisions: Vec<DecisionRecord>,
}

/// The partners a request's released data came from.
#[derive(Debug, Serialize, ToSchema)]
pub struct Sources {
    pub request_id: String,
    pub partners: Vec<String>,
}

fn body(payload: Result<Json<SubjectRequest>, JsonRejection>) -> Result<SubjectRequest, AppError> {
    payload.map(|Json(p)| p).map_err(|e| AppError::InvalidRequest(e.body_text()))
}

fn ask<'a>(state: &'a AppState, client: &'a AuthenticatedClient, req: &'a SubjectRequest) -> Ask<'a> {
    Ask {
        store: &state.store,
        profile: &state.profile,
        client: &client.0,
        purpose: &req.purpose,
        subject: &req.subject,
        request_id: current_request_id().unwrap_or_else(|| uuid::Uuid::now_v7().to_string()),
        now: state.clock.now(),
    }
}

/// Verify a customer's identity against the persons held.
#[utoipa::path(
    post,
    path = "/v1/client/verify",
    tag = "client",
    request_body = SubjectRequest,
    security(("client_key" = [])),
    responses(
        (status = 200, description = "Match band and per-field outcome; no stored value", body = VerifyAnswer),
        (status = 400, description = "Malformed request or unknown purpose", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid client key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Purpose not contracted or not offered", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn verify(
    client: AuthenticatedClient,
    State(state): State<AppState>,
    payload: Result<Json<SubjectRequest>, JsonRejection>,
) -> Result<Json<VerifyAnswer>, AppError> {
    let req = body(payload)?;
    Ok(Json(release::verify(ask(&state, &client, &req)).await?))
}

/// Trace a person: the values the policy allows for the purpose, with sources.
#[utoipa::path(
    post,
    path = "/v1/client/trace",
    tag = "client",
    request_body = SubjectRequest,
    security(("client_key" = [])),
    responses(
        (status = 200, description = "Released values with sources, withheld ones as reason codes", body = TraceAnswer),
        (status = 400, description = "Malformed request or unknown purpose", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid client key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Purpose not contracted or not offered", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn trace(
    client: AuthenticatedClient,
    State(state): State<AppState>,
    payload: Result<Json<SubjectRequest>, JsonRejection>,
) -> Result<Json<TraceAnswer>, AppError> {
    let req = body(payload)?;
    Ok(Json(release::trace(ask(&state, &client, &req)).await?))
}

/// Why each value of one of your requests was released or withheld.
#[utoipa::path(
    get,
    path = "/v1/client/requests/{id}",
    tag = "client",
    params(("id" = String, Path, description = "The request id (the x-request-id of the call)")),
    security(("client_key" = [])),
    responses(
        (status = 200, description = "The decisions", body = Explanation),
        (status = 404, description = "No such request of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn explain(
    client: AuthenticatedClient,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Explanation>, AppError> {
    let (record, decisions) = state
        .store
        .explain_request(&id, Some(&client.0.id))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no request {id} of yours")))?;
    Ok(Json(Explanation {
        request_id: record.id,
        kind: record.kind,
        purpose: record.purpose,
        at: record.at,
        band: record.band,
        decisions,
    }))
}

/// The partners whose data you received in one of your requests.
#[utoipa::path(
    get,
    path = "/v1/client/requests/{id}/sources",
    tag = "client",
    params(("id" = String, Path, description = "The request id")),
    security(("client_key" = [])),
    responses(
        (status = 200, description = "Source partners", body = Sources),
        (status = 404, description = "No such request of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn sources(
    client: AuthenticatedClient,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Sources>, AppError> {
    if state.store.explain_request(&id, Some(&client.0.id)).await?.is_none() {
        return Err(AppError::NotFound(format!("no request {id} of yours")));
    }
    let partners = state.store.request_sources(&id, &client.0.id).await?;
    Ok(Json(Sources { request_id: id, partners }))
}
