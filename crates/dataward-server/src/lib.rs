//! dataward-server: the HTTP edge of dataward (axum).
//!
//! Layout:
//! - `state`: what handlers share (store, profile, clock) and "today" in the UK.
//! - `config`: edge settings (upload size limit, spool directory).
//! - `error`: every failure as RFC 9457 problem details with stable type URIs.
//! - `middleware`: request ids and tracing spans that never record personal data.
//! - `auth`: the partner bearer-key extractor.
//! - `spool`: streaming an upload to a temporary file with a size limit.
//! - `health`: `GET /health`, `GET /version`.
//! - `partner_files`: `POST /v1/partner/files`, `GET /v1/partner/batches`,
//!   `GET /v1/partner/batches/{id}/quarantine`.
//! - `rights`: data-subject rights: the service, the portal (`/rights`), the DRP API, the outbox
//!   delivery.
//! - `purge_job`: the scheduled purge (retention, withdrawn partners' hold, legal holds).
//! - `openapi`: `GET /openapi.json`, generated from the handlers.
//! - `pages`: server-rendered HTML (MiniJinja templates compiled in, auto-escaped) and `render`.
//! - `console`: the staff console: login, sessions, CSRF, and one permission per endpoint.
//!
//! Each resource module exposes `router() -> Router<AppState>`; `app` merges them and wraps them
//! in the middleware. Handlers stay thin: the work is done by `dataward-ingest` and
//! `dataward-store`.

use std::future::Future;
use std::sync::Arc;

use axum::{Extension, Router};

pub mod auth;
pub mod batch_api;
pub mod client_api;
pub mod client_auth;
pub mod config;
pub mod console;
pub mod error;
pub mod health;
pub mod middleware;
pub mod openapi;
pub mod pages;
pub mod partner_files;
pub mod purge_job;
pub mod release;
pub mod rights;
pub mod screen_api;
pub mod selection_api;
pub mod spool;
pub mod state;

pub use auth::AuthenticatedPartner;
pub use config::ServerConfig;
pub use error::{AppError, Problem};
pub use state::{AppState, Clock, FixedClock, SystemClock};

/// The whole application with the default settings.
pub fn app(state: AppState) -> Router {
    app_with(state, ServerConfig::default())
}

/// The whole application with explicit settings.
pub fn app_with(state: AppState, config: ServerConfig) -> Router {
    let routes = Router::new()
        .merge(health::router())
        .merge(openapi::router())
        .merge(partner_files::router())
        .merge(client_api::router())
        .merge(screen_api::router())
        .merge(batch_api::router())
        .merge(selection_api::router())
        .merge(rights::drp_api::router())
        .merge(rights::portal::router())
        .merge(console::router(state.clone()))
        .fallback(error::not_found)
        .method_not_allowed_fallback(error::method_not_allowed)
        .layer(Extension(Arc::new(config)));
    middleware::apply(routes).with_state(state)
}

/// Serves the application with default settings on `listener` until `shutdown` completes, then
/// lets requests in flight finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, ServerConfig::default(), shutdown).await
}

/// `serve` with explicit settings.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    config: ServerConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let worker = tokio::spawn(batch_api::job_loop(state.clone()));
    let purger = tokio::spawn(purge_job::purge_loop(state.clone(), purge_job::PURGE_EVERY));
    let served = serve_app(listener, app_with(state, config), shutdown).await;
    worker.abort();
    purger.abort();
    served
}

/// Serves a prepared application (e.g. from `app_with`) until `shutdown` completes, gracefully.
pub async fn serve_app(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
