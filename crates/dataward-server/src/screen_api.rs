//! `POST /v1/client/screen`: a client's own list screened against the preference registers
//! (TPS, CTPS, MPS) and the operator's suppression list. The answer per row is only whether it is
//! suppressed and why (reason codes); nothing held about anyone is returned.
//!
//! For a marketing purpose only the registers and suppressions of that channel count (TPS and
//! CTPS for live calls, MPS for post, email suppressions for email; SMS and automated calls use
//! the phone suppressions); for any other purpose every hit is reported. Lists are screened
//! through indexed digest lookups, at most [`MAX_ROWS`] rows per call.

use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use axum::routing::post;
use axum::{Json, Router};
use dataward_core::keys::Digest;
use dataward_core::policy::MarketingChannel;
use dataward_core::screening::keys as screening_keys;
use dataward_core::screening::{ContactChannel, IdentifierKind, RegisterKind, email_key, name_address_key, phone_key};
use dataward_store::release::RequestRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::client_auth::AuthenticatedClient;
use crate::error::{AppError, Problem};
use crate::middleware::current_request_id;
use crate::release::check_purpose;
use crate::state::AppState;

/// Rows accepted in one call.
pub const MAX_ROWS: usize = 10_000;

pub fn router() -> Router<AppState> {
    Router::new().route("/v1/client/screen", post(screen))
}

/// One row of the client's list. Holds personal data.
#[derive(Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenRow {
    /// The client's own id for the row, echoed back.
    pub reference: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub surname: Option<String>,
    /// The first address line ("12 Oak Road").
    pub address_line: Option<String>,
    pub postcode: Option<String>,
}

impl std::fmt::Debug for ScreenRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ScreenRow({}, <redacted>)", self.reference)
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenRequest {
    pub purpose: String,
    pub rows: Vec<ScreenRow>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScreenedRow {
    pub reference: String,
    pub suppressed: bool,
    /// `tps_registered`, `ctps_registered`, `mps_registered`, `suppressed`.
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScreenAnswer {
    pub request_id: String,
    pub rows: Vec<ScreenedRow>,
}

/// The contact channels a purpose uses (`None`: every channel counts).
fn channels(purpose: dataward_core::taxonomy::Purpose) -> Option<Vec<ContactChannel>> {
    Some(match MarketingChannel::of(purpose)? {
        MarketingChannel::Post => vec![ContactChannel::Post],
        MarketingChannel::LiveCall => vec![ContactChannel::Phone],
        MarketingChannel::Email => vec![ContactChannel::Email],
        MarketingChannel::Sms | MarketingChannel::AutomatedCall => vec![ContactChannel::Sms, ContactChannel::Phone],
    })
}

/// Screen a list against the registers and the suppression list.
#[utoipa::path(
    post,
    path = "/v1/client/screen",
    tag = "client",
    request_body = ScreenRequest,
    security(("client_key" = [])),
    responses(
        (status = 200, description = "Per row: suppressed or not, with reason codes", body = ScreenAnswer),
        (status = 400, description = "Malformed request, unknown purpose or too many rows", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid client key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Purpose not contracted", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn screen(
    client: AuthenticatedClient,
    State(state): State<AppState>,
    payload: Result<Json<ScreenRequest>, JsonRejection>,
) -> Result<Json<ScreenAnswer>, AppError> {
    let Json(req) = payload.map_err(|e| AppError::InvalidRequest(e.body_text()))?;
    let purpose = check_purpose(&state.profile, &client.0, &req.purpose)?;
    if req.rows.len() > MAX_ROWS {
        return Err(AppError::InvalidRequest(format!("{} rows sent; at most {MAX_ROWS} per call", req.rows.len())));
    }
    let wanted = channels(purpose);
    let counts = |channel: ContactChannel| wanted.as_ref().is_none_or(|w| w.contains(&channel));
    let indexer = state.store.indexer();
    let keyed: Vec<[Option<Digest>; 3]> = req
        .rows
        .iter()
        .map(|r| {
            let phone = r
                .phone
                .as_deref()
                .and_then(phone_key)
                .map(|k| screening_keys::digest(indexer, IdentifierKind::Phone, &k));
            let email = r
                .email
                .as_deref()
                .and_then(email_key)
                .map(|k| screening_keys::digest(indexer, IdentifierKind::Email, &k));
            let address = match (&r.surname, &r.address_line, &r.postcode) {
                (Some(s), Some(l), Some(p)) => name_address_key(s, l, p)
                    .ok()
                    .map(|k| screening_keys::digest(indexer, IdentifierKind::NameAddress, &k)),
                _ => None,
            };
            [phone, email, address]
        })
        .collect();
    let all: Vec<Digest> = keyed.iter().flatten().flatten().copied().collect();
    let facts = state.store.screening_facts(&all).await?;
    let mut rows = Vec::with_capacity(req.rows.len());
    for (row, [phone, email, address]) in req.rows.iter().zip(&keyed) {
        let mut reasons: Vec<&str> = Vec::new();
        let mut add = |r: &'static str| {
            if !reasons.contains(&r) {
                reasons.push(r)
            }
        };
        let suppressed_for = |d: &Digest, channel: ContactChannel| {
            facts.suppressed.iter().any(|(s, _, scope)| s == d && scope.covers(channel))
        };
        if let Some(d) = phone {
            if counts(ContactChannel::Phone) && facts.registered.contains(&(RegisterKind::Tps, *d)) {
                add("tps_registered");
            }
            if counts(ContactChannel::Phone) && facts.registered.contains(&(RegisterKind::Ctps, *d)) {
                add("ctps_registered");
            }
            if [ContactChannel::Phone, ContactChannel::Sms].into_iter().any(|c| counts(c) && suppressed_for(d, c)) {
                add("suppressed");
            }
        }
        if let Some(d) = email
            && counts(ContactChannel::Email)
            && suppressed_for(d, ContactChannel::Email)
        {
            add("suppressed");
        }
        if let Some(d) = address {
            if counts(ContactChannel::Post) && facts.registered.contains(&(RegisterKind::Mps, *d)) {
                add("mps_registered");
            }
            if counts(ContactChannel::Post) && suppressed_for(d, ContactChannel::Post) {
                add("suppressed");
            }
        }
        rows.push(ScreenedRow {
            reference: row.reference.clone(),
            suppressed: !reasons.is_empty(),
            reasons: reasons.into_iter().map(str::to_string).collect(),
        });
    }
    let request_id = current_request_id().unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let record = RequestRecord {
        id: request_id.clone(),
        client_id: client.0.id.clone(),
        kind: "screen".into(),
        purpose: purpose.as_str().into(),
        at: state.clock.now().to_string(),
        person_id: None,
        band: "n/a".into(),
    };
    state.store.record_release(&record, &[], &[]).await?;
    Ok(Json(ScreenAnswer { request_id, rows }))
}
