//! The rights portal: public HTML pages under `/rights` for data subjects (no JavaScript, no
//! external assets), over the same `rights::service` as the DRP API and the console.
//!
//! - `GET /rights`: the rights explained, and how to complain to the ICO (`intake`).
//! - `GET|POST /rights/request`: the intake form; a POST records the request, queues a code to
//!   the contact given and redirects (303) to the request's status page (`intake`).
//! - `GET /rights/status/{token}`: where the request stands, its `expected_by` date, what happens
//!   next and, once completed, its download links; `POST …/code` checks the code, `POST …/resend`
//!   sends a new one (`status`).
//! - `GET /rights/download/{token}`: a one-time download; a used or expired link is a 410 page
//!   (`download`).
//!
//! No enumeration: nothing is looked up before the code is entered, so every answer up to then
//! has the same status and wording whether or not dataward holds anything about the person.
//! Personal data never goes into a URL (forms are POSTed; status and download tokens are random)
//! and never into logs. Public forms carry a double-submit CSRF token (`csrf`); every response
//! carries the headers of `headers`. Pages are rendered with `page`.

pub mod csrf;
pub mod headers;

mod download;
mod intake;
mod page;
mod status;

use axum::Router;
use axum::middleware::from_fn;
use axum::routing::{get, post};

use crate::state::AppState;

/// The portal's routes, with its response headers.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rights", get(intake::show_start))
        .route("/rights/request", get(intake::show_form).post(intake::submit_request))
        .route("/rights/status/{token}", get(status::show_status))
        .route("/rights/status/{token}/code", post(status::submit_code))
        .route("/rights/status/{token}/resend", post(status::resend_code))
        .route("/rights/download/{token}", get(download::take))
        .layer(from_fn(headers::portal_headers))
}
