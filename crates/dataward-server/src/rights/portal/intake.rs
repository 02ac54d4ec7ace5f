//! The portal's start page and intake form.
//!
//! A POST with a valid form records the request through `service::submit` (which queues the
//! code) and answers 303 to the request's status page: the same status, and a page of the same
//! wording, whether or not dataward holds anything about the person. A form with a mistake is
//! shown again (400) with a message; a form without its CSRF token is refused (403 page).

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use axum_extra::extract::cookie::CookieJar;
use minijinja::context;
use minijinja::value::Serde;
use serde::Deserialize;

use super::{csrf, page};
use crate::config::ServerConfig;
use crate::error::AppError;
use crate::pages::render;
use crate::rights::form::{KIND_CHOICES, RequestForm, correctable_fields};
use crate::rights::service;
use crate::state::AppState;

/// `GET /rights`.
pub async fn show_start(State(state): State<AppState>) -> Result<Response, AppError> {
    let period = page::period_words(state.profile.response_period);
    Ok(render("rights/portal/start.html", context! { period => period })?.into_response())
}

/// The query of the form page: which kind to preselect (not personal data).
#[derive(Debug, Default, Deserialize)]
pub struct FormQuery {
    #[serde(default)]
    kind: String,
}

/// `GET /rights/request[?kind=access]`.
pub async fn show_form(
    Extension(config): Extension<Arc<ServerConfig>>,
    jar: CookieJar,
    Query(query): Query<FormQuery>,
) -> Result<Response, AppError> {
    let form = RequestForm { kind: query.kind, ..RequestForm::default() };
    form_page(jar, &config, StatusCode::OK, &form, None)
}

fn form_page(
    jar: CookieJar,
    config: &ServerConfig,
    status: StatusCode,
    form: &RequestForm,
    error: Option<&str>,
) -> Result<Response, AppError> {
    let (jar, token) = csrf::issue(jar, config.secure_cookies);
    let html = render(
        "rights/portal/form.html",
        context! {
            csrf_token => token, kinds => Serde(KIND_CHOICES), fields => Serde(correctable_fields()),
            form => Serde(form), error => error,
        },
    )?;
    Ok((status, jar, html).into_response())
}

/// `POST /rights/request`.
pub async fn submit_request(
    State(state): State<AppState>,
    Extension(config): Extension<Arc<ServerConfig>>,
    jar: CookieJar,
    Form(form): Form<RequestForm>,
) -> Result<Response, AppError> {
    if !csrf::accepts(&jar, &form.csrf_token) {
        tracing::info!("portal request refused: form CSRF token missing or wrong");
        return page::form_expired();
    }
    let (kind, requester) = match form.parse() {
        Ok(parsed) => parsed,
        Err(message) => return form_page(jar, &config, StatusCode::BAD_REQUEST, &form, Some(&message)),
    };
    let submitted = service::submit(&state, kind, &requester, "portal", "requester").await?;
    Ok(Redirect::to(&format!("/rights/status/{}", submitted.status_token)).into_response())
}
