//! Liveness and identity: `GET /health` (the store answers) and `GET /version`.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{AppError, Problem};
use crate::state::AppState;

/// The answer of `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok` when answered with 200.
    pub status: String,
    /// The store's engine: `sqlite` or `postgres`.
    pub database: String,
}

/// The answer of `GET /version`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Version {
    pub name: String,
    pub version: String,
    /// The name of the deployment's policy profile.
    pub profile: String,
}

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health)).route("/version", get(version))
}

/// Whether the server and its store are answering.
#[utoipa::path(
    get,
    path = "/health",
    tag = "service",
    responses(
        (status = 200, description = "The server and its store answer", body = Health),
        (status = 503, description = "The store does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn health(State(state): State<AppState>) -> Result<Json<Health>, AppError> {
    state.store.meta("health-check").await.map_err(|e| AppError::Unavailable(e.into()))?;
    Ok(Json(Health { status: "ok".to_string(), database: state.store.backend().as_str().to_string() }))
}

/// The server's name, version and policy profile.
#[utoipa::path(
    get,
    path = "/version",
    tag = "service",
    responses((status = 200, description = "Name, version and profile", body = Version))
)]
pub(crate) async fn version(State(state): State<AppState>) -> Json<Version> {
    Json(Version {
        name: "dataward".to_string(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        profile: state.profile.name.clone(),
    })
}
