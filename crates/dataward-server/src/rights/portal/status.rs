//! A request's status page, reachable only by its unguessable status token, and the code form on
//! it. Until the code is entered the page says the same thing for everyone: a code was sent to
//! the kind of contact given (never the contact itself). Afterwards it shows the state, the
//! `expected_by` date, what happens next and, once completed, the request's download links.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use axum_extra::extract::cookie::CookieJar;
use dataward_core::rights::{RequestKind, Status, VERIFICATION_WINDOW_DAYS, drp_view};
use dataward_store::rights::StoredRequest;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{csrf, page};
use crate::config::ServerConfig;
use crate::error::AppError;
use crate::pages::render;
use crate::rights::service::{self, CODE_MINUTES, DOWNLOAD_DAYS, Verification};
use crate::state::AppState;

/// The code form. Only digits are expected; nothing in it is personal data.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    code: String,
    csrf_token: String,
}

/// The resend form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ResendForm {
    csrf_token: String,
}

#[derive(Serialize)]
struct DownloadLink {
    href: String,
    label: &'static str,
}

fn next_step(kind: RequestKind) -> &'static str {
    match kind {
        RequestKind::Access => {
            "We put together a report of everything we hold about you, where it came from, what it may be used \
             for and who received it, and send you a link to it."
        }
        RequestKind::Portability => {
            "We prepare the data you provided as JSON and CSV files and send you links to them."
        }
        RequestKind::Rectification => "We correct your data in every copy we hold and tell everyone who received it.",
        RequestKind::Erasure => {
            "We erase your data from every source, keep only a one-way code of your contact details so it is not \
             loaded again, and tell everyone who received it."
        }
        RequestKind::Restriction => "We stop every use of your data until you ask us to lift the restriction.",
        RequestKind::LiftRestriction => "We lift the restriction, so your data may be used again as before.",
        RequestKind::Objection { .. } => "We stop the uses of your data you objected to.",
        RequestKind::ConsentWithdrawal { .. } => "We stop every use of your data that relied on your consent.",
    }
}

fn label(format: &str) -> &'static str {
    match format {
        "html" => "Your report (a page you can print or save)",
        "json" => "Your data as JSON",
        "csv" => "Your data as CSV",
        _ => "Your file",
    }
}

/// The status page of `request` (named by `token`), at `status`, with an optional error.
fn status_page(
    state: &AppState,
    config: &ServerConfig,
    jar: CookieJar,
    request: &StoredRequest,
    token: &str,
    status: StatusCode,
    error: Option<&str>,
) -> Result<Response, AppError> {
    let (jar, csrf_token) = csrf::issue(jar, config.secure_cookies);
    let kind = request.request.kind();
    let current = request.request.status();
    let downloads: Vec<DownloadLink> = if current == Status::Completed {
        // A completed request changes no more: its last update is its completion.
        let completed_at = request.request.updated_at();
        service::download_formats(kind)
            .iter()
            .map(|format| DownloadLink {
                href: service::download_url("", &service::download_token(state, &request.id, completed_at, format)),
                label: label(format),
            })
            .collect()
    } else {
        Vec::new()
    };
    let refusal = match current {
        Status::Refused(reason) => reason.as_str().replace('_', " "),
        _ => String::new(),
    };
    let contact_kind = match request.requester.contact().kind() {
        "email" => "email address",
        _ => "phone number",
    };
    let html = render(
        "rights/portal/status.html",
        context! {
            reference => request.reference(), kind_title => service::kind_title(kind), status => current.as_str(),
            token => token, csrf_token => csrf_token, contact_kind => contact_kind, code_minutes => CODE_MINUTES,
            verify_days => VERIFICATION_WINDOW_DAYS,
            expected_by => drp_view(&request.request).expected_by.map(|d| d.to_string()),
            next_step => next_step(kind), downloads => minijinja::value::Serde(downloads),
            download_days => DOWNLOAD_DAYS, refusal => refusal, error => error,
        },
    )?;
    Ok((status, jar, html).into_response())
}

async fn find(state: &AppState, token: &str) -> Result<Option<StoredRequest>, AppError> {
    Ok(state.store.rights_request_by_token(&service::token_digest(state, token)).await?)
}

fn back_to(token: &str) -> Response {
    Redirect::to(&format!("/rights/status/{token}")).into_response()
}

/// `GET /rights/status/{token}`.
pub async fn show_status(
    State(state): State<AppState>,
    Extension(config): Extension<Arc<ServerConfig>>,
    jar: CookieJar,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    match find(&state, &token).await? {
        Some(request) => status_page(&state, &config, jar, &request, &token, StatusCode::OK, None),
        None => page::unknown_request(),
    }
}

/// `POST /rights/status/{token}/code`.
pub async fn submit_code(
    State(state): State<AppState>,
    Extension(config): Extension<Arc<ServerConfig>>,
    jar: CookieJar,
    Path(token): Path<String>,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    if !csrf::accepts(&jar, &form.csrf_token) {
        return page::form_expired();
    }
    let Some(request) = find(&state, &token).await? else { return page::unknown_request() };
    let message = match service::verify_code(&state, &request, &form.code).await? {
        Verification::Verified | Verification::NotAwaiting => return Ok(back_to(&token)),
        Verification::WrongCode { attempts_left } => {
            format!("That code is not right. You have {attempts_left} more attempts, then you need a new code.")
        }
        Verification::CodeVoid => "That code has expired or been used up. Send yourself a new code.".to_string(),
    };
    status_page(&state, &config, jar, &request, &token, StatusCode::UNPROCESSABLE_ENTITY, Some(&message))
}

/// `POST /rights/status/{token}/resend`.
pub async fn resend_code(
    State(state): State<AppState>,
    jar: CookieJar,
    Path(token): Path<String>,
    Form(form): Form<ResendForm>,
) -> Result<Response, AppError> {
    if !csrf::accepts(&jar, &form.csrf_token) {
        return page::form_expired();
    }
    let Some(request) = find(&state, &token).await? else { return page::unknown_request() };
    // Throttled by the service; the answer is the same either way.
    service::resend_code(&state, &request).await?;
    Ok(back_to(&token))
}
