//! Signing in and out of the console.
//!
//! - `GET /console/login`: the form, with a fresh login CSRF token (cookie + hidden field).
//! - `POST /console/login`: checks the CSRF pair, then name, password and (when set up) the TOTP
//!   code. Any refusal — unknown name, wrong password, wrong or reused code, locked or disabled
//!   account — answers the same 401 form with the same message, so the page never tells which
//!   names exist. Success opens a session, sets `dw_session` and redirects (303) to `next` (a
//!   plain console path) or `/console`.
//! - `POST /console/logout`: ends the session (the guard has checked its CSRF token), removes the
//!   cookie and redirects to the login page.
//!
//! Logs record the refusal reason and, on success, the staff id: never the name typed, the
//! password or the code.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use axum_extra::extract::cookie::CookieJar;
use dataward_store::staff::LoginOutcome;
use dataward_store::staff_sessions::random_token;
use minijinja::context;
use serde::Deserialize;

use super::cookies::{
    LOGIN_CSRF_COOKIE, SESSION_COOKIE, login_csrf_cookie, login_csrf_removal, session_cookie, session_removal,
};
use super::guard::is_safe_return_path;
use super::session::constant_time_eq;
use crate::config::ServerConfig;
use crate::error::AppError;
use crate::pages::render;
use crate::state::AppState;

/// The one message for every refused login.
pub const LOGIN_REFUSED: &str = "The name, password or code is not right, or the account is locked. \
     After 5 failed attempts in a row an account is locked for 15 minutes.";

/// The message when the login form's CSRF token is missing or stale.
pub const LOGIN_FORM_EXPIRED: &str = "The sign-in form had expired. Please sign in again.";

/// The query of the login page.
#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    #[serde(default)]
    next: String,
}

/// The login form. `Debug` is not derived: it holds a password.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    next: String,
}

/// The form page with a fresh login CSRF token, at `status`, with an optional error.
fn login_form(
    jar: CookieJar,
    secure: bool,
    status: StatusCode,
    name: &str,
    next: &str,
    error: Option<&str>,
) -> Result<Response, AppError> {
    let token = random_token();
    let next = if is_safe_return_path(next) { next } else { "" };
    let html = render(
        "console/login.html",
        context! { login_csrf => token.clone(), name => name, next => next, error => error },
    )?;
    Ok((status, jar.add(login_csrf_cookie(&token, secure)), html).into_response())
}

/// `GET /console/login`: the form (or the console, for someone already signed in).
pub async fn show_login(
    State(state): State<AppState>,
    Extension(config): Extension<Arc<ServerConfig>>,
    jar: CookieJar,
    query: axum::extract::Query<LoginQuery>,
) -> Result<Response, AppError> {
    if let Some(token) = jar.get(SESSION_COOKIE)
        && state.store.staff_session(token.value(), state.clock.now()).await?.is_some()
    {
        return Ok(Redirect::to("/console").into_response());
    }
    login_form(jar, config.secure_cookies, StatusCode::OK, "", &query.next, None)
}

/// `POST /console/login`.
pub async fn submit_login(
    State(state): State<AppState>,
    Extension(config): Extension<Arc<ServerConfig>>,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let secure = config.secure_cookies;
    let cookie_token = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    if cookie_token.is_empty() || !constant_time_eq(cookie_token.as_bytes(), form.csrf_token.as_bytes()) {
        tracing::info!("console login refused: login form CSRF token missing or wrong");
        return login_form(jar, secure, StatusCode::FORBIDDEN, &form.name, &form.next, Some(LOGIN_FORM_EXPIRED));
    }
    let now = state.clock.now();
    let code = Some(form.code.trim()).filter(|c| !c.is_empty());
    match state.store.check_staff_login(&form.name, &form.password, code, now).await? {
        LoginOutcome::Refused(reason) => {
            tracing::info!(?reason, "console login refused");
            login_form(jar, secure, StatusCode::UNAUTHORIZED, &form.name, &form.next, Some(LOGIN_REFUSED))
        }
        LoginOutcome::Accepted(staff) => {
            let session = state.store.open_staff_session(&staff.id, now).await?;
            tracing::info!(staff_id = %staff.id, role = %staff.role, "console login");
            let target = if is_safe_return_path(&form.next) { form.next.as_str() } else { "/console" };
            let jar = jar.add(login_csrf_removal()).add(session_cookie(session.reveal(), secure));
            Ok((jar, Redirect::to(target)).into_response())
        }
    }
}

/// `POST /console/logout` (guarded: signed in, CSRF checked).
pub async fn submit_logout(State(state): State<AppState>, jar: CookieJar) -> Result<Response, AppError> {
    if let Some(token) = jar.get(SESSION_COOKIE) {
        state.store.close_staff_session(token.value()).await?;
    }
    Ok((jar.add(session_removal()), Redirect::to("/console/login")).into_response())
}
