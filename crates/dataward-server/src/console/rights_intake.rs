//! Requests received by post or phone, entered by the DPO: `GET /console/rights/new` (the form)
//! and `POST /console/rights/new`, which records the request through `service::submit` with the
//! channel given (no code is sent: the DPO decides how identity is checked) and shows, once, the
//! status address to give the requester (it is stored only as a digest, so it cannot be shown
//! again).

use std::sync::Arc;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form};
use minijinja::context;
use minijinja::value::Serde;

use super::page::page;
use super::session::StaffSession;
use crate::config::ServerConfig;
use crate::error::AppError;
use crate::rights::form::{KIND_CHOICES, RequestForm, correctable_fields};
use crate::rights::service;
use crate::state::AppState;

fn form_page(
    session: &StaffSession,
    status: StatusCode,
    form: &RequestForm,
    error: Option<&str>,
) -> Result<Response, AppError> {
    let html = page(
        session,
        "console/rights_new.html",
        context! { kinds => Serde(KIND_CHOICES), fields => Serde(correctable_fields()), form => Serde(form), error => error },
    )?;
    Ok((status, html).into_response())
}

/// `GET /console/rights/new`.
pub async fn show_form(session: StaffSession) -> Result<Response, AppError> {
    let form = RequestForm { channel: "post".into(), ..RequestForm::default() };
    form_page(&session, StatusCode::OK, &form, None)
}

/// `POST /console/rights/new`.
pub async fn submit(
    State(state): State<AppState>,
    Extension(config): Extension<Arc<ServerConfig>>,
    session: StaffSession,
    Form(form): Form<RequestForm>,
) -> Result<Response, AppError> {
    if !matches!(form.channel.as_str(), "post" | "phone") {
        return form_page(
            &session,
            StatusCode::BAD_REQUEST,
            &form,
            Some("Say whether the request came by post or by phone."),
        );
    }
    let (kind, requester) = match form.parse() {
        Ok(parsed) => parsed,
        Err(message) => return form_page(&session, StatusCode::BAD_REQUEST, &form, Some(&message)),
    };
    let actor = format!("staff:{}", session.staff.name);
    let submitted = service::submit(&state, kind, &requester, &form.channel, &actor).await?;
    let status_url = format!("{}/rights/status/{}", config.public_url.trim_end_matches('/'), submitted.status_token);
    let html = page(
        &session,
        "console/rights_created.html",
        context! { reference => submitted.request.reference(), status_url => status_url },
    )?;
    Ok((StatusCode::CREATED, [(header::CACHE_CONTROL, "no-store")], html).into_response())
}
