//! Marketing selections: count, then extract, an audience by age band, postcode area or
//! district, renewal month and lifestyle attributes.
//!
//! - `POST /v1/client/selections/count`: persons matching the criteria, and how many of them
//!   have a contact the purpose may use after the policy, TPS/CTPS/MPS and suppression screening.
//!   A count discloses nothing about anyone and writes no ledger row (the request is recorded).
//! - `POST /v1/client/selections/extract`: up to `limit` of those persons (never more than the
//!   client's contracted volume), each released value with its source; every person is a request
//!   of its own with its decisions and ledger rows, written before the answer.
//!
//! A selection that matches more than [`MAX_EVALUATED`] persons is refused with a problem asking
//! to narrow it, so one call cannot turn into a scan of the whole base.

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::routing::post;
use axum::{Json, Router};
use dataward_core::policy::MarketingChannel;
use dataward_core::selection::Criteria;
use dataward_core::taxonomy::{Category, Purpose, categories};
use dataward_store::release::RequestRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::client_auth::AuthenticatedClient;
use crate::error::{AppError, Problem};
use crate::middleware::current_request_id;
use crate::release::{ReleasedValue, check_purpose, decide_release};
use crate::state::AppState;

/// The most persons one selection may evaluate.
pub const MAX_EVALUATED: usize = 20_000;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/client/selections/count", post(count))
        .route("/v1/client/selections/extract", post(extract))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectionRequest {
    /// A marketing purpose (`marketing.post`, `marketing.live_call`, `marketing.email`, ...) or
    /// `customer_acquisition`.
    pub purpose: String,
    #[schema(value_type = Object)]
    pub criteria: Criteria,
    /// Extract only: the most persons wanted (capped at the contracted volume).
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SelectionCount {
    pub request_id: String,
    /// Persons matching the criteria.
    pub matched: usize,
    /// Of those, persons with a contact the purpose may use after policy and screening.
    pub releasable: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SelectedPerson {
    /// The request id under which this person's values were released (for explain and audit).
    pub request_id: String,
    pub values: Vec<ReleasedValue>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SelectionExtract {
    pub request_id: String,
    pub count: usize,
    pub persons: Vec<SelectedPerson>,
}

/// The category a purpose contacts people through (`None`: any released contact counts).
fn contact_category(purpose: Purpose) -> Option<Category> {
    match MarketingChannel::of(purpose)? {
        MarketingChannel::Post => Some(categories::ADDRESS),
        MarketingChannel::Email => Some(categories::EMAIL),
        MarketingChannel::LiveCall | MarketingChannel::Sms | MarketingChannel::AutomatedCall => Some(categories::PHONE),
    }
}

fn usable(purpose: Purpose, values: &[ReleasedValue]) -> bool {
    match contact_category(purpose) {
        Some(c) => values.iter().any(|v| v.category == c.as_str()),
        None => values.iter().any(|v| v.category != categories::NAME.as_str()),
    }
}

async fn selected(
    state: &AppState,
    client: &AuthenticatedClient,
    req: &SelectionRequest,
) -> Result<(Purpose, Vec<String>), AppError> {
    let purpose = check_purpose(&state.profile, &client.0, &req.purpose)?;
    let today = AppState::today_at(state.clock.now());
    let groups = req.criteria.facet_groups(today).map_err(|e| AppError::InvalidRequest(e.to_string()))?;
    let persons = state.store.select_persons(&groups).await?;
    if persons.len() > MAX_EVALUATED {
        return Err(AppError::InvalidRequest(format!(
            "{} persons match; narrow the selection to at most {MAX_EVALUATED}",
            persons.len()
        )));
    }
    Ok((purpose, persons))
}

fn body(payload: Result<Json<SelectionRequest>, JsonRejection>) -> Result<SelectionRequest, AppError> {
    payload.map(|Json(p)| p).map_err(|e| AppError::InvalidRequest(e.body_text()))
}

/// Count a selection.
#[utoipa::path(
    post,
    path = "/v1/client/selections/count",
    tag = "client",
    request_body = SelectionRequest,
    security(("client_key" = [])),
    responses(
        (status = 200, description = "Matched and releasable persons", body = SelectionCount),
        (status = 400, description = "Bad criteria or too broad", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Purpose not contracted", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn count(
    client: AuthenticatedClient,
    State(state): State<AppState>,
    payload: Result<Json<SelectionRequest>, JsonRejection>,
) -> Result<Json<SelectionCount>, AppError> {
    let req = body(payload)?;
    let (purpose, persons) = selected(&state, &client, &req).await?;
    let today = AppState::today_at(state.clock.now());
    let mut matched = 0;
    let mut releasable = 0;
    for person in &persons {
        let released = decide_release(&state.store, &state.profile, &client.0, purpose, person).await?;
        if !released.birth_date.is_none_or(|b| req.criteria.age_matches(b, today)) {
            continue;
        }
        matched += 1;
        releasable += usize::from(usable(purpose, &released.values));
    }
    let request_id = current_request_id().unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let record = RequestRecord {
        id: request_id.clone(),
        client_id: client.0.id.clone(),
        kind: "selection_count".into(),
        purpose: purpose.as_str().into(),
        at: state.clock.now().to_string(),
        person_id: None,
        band: "n/a".into(),
    };
    state.store.record_release(&record, &[], &[]).await?;
    Ok(Json(SelectionCount { request_id, matched, releasable }))
}

/// Extract a selection.
#[utoipa::path(
    post,
    path = "/v1/client/selections/extract",
    tag = "client",
    request_body = SelectionRequest,
    security(("client_key" = [])),
    responses(
        (status = 200, description = "The selected persons' released values", body = SelectionExtract),
        (status = 400, description = "Bad criteria or too broad", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Purpose not contracted", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn extract(
    client: AuthenticatedClient,
    State(state): State<AppState>,
    payload: Result<Json<SelectionRequest>, JsonRejection>,
) -> Result<Json<SelectionExtract>, AppError> {
    let req = body(payload)?;
    let (purpose, persons) = selected(&state, &client, &req).await?;
    let limit = req.limit.unwrap_or(client.0.extract_limit).clamp(0, client.0.extract_limit) as usize;
    let today = AppState::today_at(state.clock.now());
    let request_id = current_request_id().unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let mut out = Vec::new();
    for person in &persons {
        if out.len() >= limit {
            break;
        }
        let released = decide_release(&state.store, &state.profile, &client.0, purpose, person).await?;
        if !released.birth_date.is_none_or(|b| req.criteria.age_matches(b, today)) || !usable(purpose, &released.values)
        {
            continue;
        }
        let id = format!("{request_id}-{:06}", out.len() + 1);
        let record = RequestRecord {
            id: id.clone(),
            client_id: client.0.id.clone(),
            kind: "selection_extract".into(),
            purpose: purpose.as_str().into(),
            at: state.clock.now().to_string(),
            person_id: Some(person.clone()),
            band: "selected".into(),
        };
        state.store.record_release(&record, &released.decisions, &released.disclosures).await?;
        out.push(SelectedPerson { request_id: id, values: released.values });
    }
    Ok(Json(SelectionExtract { request_id, count: out.len(), persons: out }))
}
