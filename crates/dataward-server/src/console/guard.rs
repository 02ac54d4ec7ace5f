//! The guard in front of every non-public console endpoint, and the console's response headers.
//!
//! For each request the guard:
//! 1. finds the live session named by the `dw_session` cookie, else redirects (303) to
//!    `/console/login?next=PATH`;
//! 2. checks the endpoint's permission against the staff member's role, else answers a 403 page;
//! 3. for every method but GET and HEAD, checks the session's CSRF token — from the
//!    `x-csrf-token` header, or the `csrf_token` field of an `application/x-www-form-urlencoded`
//!    body — else answers a 403 problem (`csrf-rejected`); other bodies (e.g. multipart) must use
//!    the header;
//! 4. hands the handler a `StaffSession` (request extension).

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use dataward_core::staff::Permission;
use minijinja::context;

use super::cookies::{SESSION_COOKIE, session_removal};
use super::page::page;
use super::session::{CSRF_FIELD, CSRF_HEADER, StaffSession};
use crate::error::AppError;
use crate::state::AppState;

/// The largest form body the guard reads to find the CSRF token.
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// What the guard of one endpoint needs: the state and the endpoint's permission.
#[derive(Clone)]
pub struct Guard {
    pub state: AppState,
    pub permission: Permission,
}

/// The guard middleware (see the module documentation).
pub async fn guard(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    match check(&guard, request).await {
        Ok(request) => next.run(request).await,
        Err(rejection) => rejection,
    }
}

async fn check(guard: &Guard, mut request: Request) -> Result<Request, Response> {
    let jar = CookieJar::from_headers(request.headers());
    let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
    let now = guard.state.clock.now();
    let record = match token {
        Some(token) => {
            guard.state.store.staff_session(&token, now).await.map_err(|e| AppError::from(e).into_response())?
        }
        None => None,
    };
    let Some(record) = record else {
        let had_cookie = jar.get(SESSION_COOKIE).is_some();
        let redirect = Redirect::to(&login_url(request.uri().path())).into_response();
        return Err(if had_cookie { (jar.add(session_removal()), redirect).into_response() } else { redirect });
    };
    let session = StaffSession::new(record.staff, record.csrf_token, record.expires_at);
    if !session.allows(guard.permission) {
        return Err(forbidden_page(&session, guard.permission));
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        request = check_csrf(&session, request).await.map_err(IntoResponse::into_response)?;
    }
    request.extensions_mut().insert(session);
    Ok(request)
}

/// The login page's URL, returning to `path` afterwards when it is a plain console path.
fn login_url(path: &str) -> String {
    if is_safe_return_path(path) && path != "/console" {
        format!("/console/login?next={path}")
    } else {
        "/console/login".to_string()
    }
}

/// Whether `path` may be returned to after login: a console path of plain characters only, so
/// it can neither leave the site nor need escaping.
pub fn is_safe_return_path(path: &str) -> bool {
    (path == "/console" || path.starts_with("/console/"))
        && !path.contains("//")
        && path.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.'))
        && !path.contains("..")
}

fn forbidden_page(session: &StaffSession, permission: Permission) -> Response {
    match page(session, "console/forbidden.html", context! { needed => permission.describe() }) {
        Ok(html) => (StatusCode::FORBIDDEN, html).into_response(),
        Err(error) => error.into_response(),
    }
}

/// Checks the CSRF token of a state-changing request and gives the request back intact.
async fn check_csrf(session: &StaffSession, request: Request) -> Result<Request, AppError> {
    if let Some(value) = request.headers().get(CSRF_HEADER) {
        return match value.to_str() {
            Ok(presented) if session.csrf_matches(presented) => Ok(request),
            _ => Err(AppError::CsrfRejected),
        };
    }
    let is_form = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded")
    });
    if !is_form {
        return Err(AppError::CsrfRejected);
    }
    let (parts, body) = request.into_parts();
    let bytes: Bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::InvalidRequest(format!("the form is larger than {MAX_FORM_BYTES} bytes")))?;
    match form_field(&bytes, CSRF_FIELD) {
        Some(presented) if session.csrf_matches(presented) => Ok(Request::from_parts(parts, Body::from(bytes))),
        _ => Err(AppError::CsrfRejected),
    }
}

/// The raw value of the first `name=value` pair of a urlencoded body. Tokens are hex, so they
/// are never percent-encoded; an encoded value simply does not match (the check fails closed).
fn form_field<'a>(body: &'a [u8], name: &str) -> Option<&'a str> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|pair| pair.split_once('=').filter(|(key, _)| *key == name).map(|(_, value)| value))
}

/// Headers on every console response: never cached, never framed, no scripts, no referrer.
pub async fn console_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_console_paths_are_returned_to_after_login() {
        assert!(is_safe_return_path("/console/batches"));
        assert!(is_safe_return_path("/console/batches/0190-ab/quarantine"));
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/console//evil",
            "/v1/client/trace",
            "/console/../x",
            "/console/a?b=c",
            "/consoleX",
        ] {
            assert!(!is_safe_return_path(bad), "{bad}");
        }
        assert_eq!(login_url("/console/batches"), "/console/login?next=/console/batches");
        assert_eq!(login_url("/console"), "/console/login");
    }

    #[test]
    fn the_csrf_field_is_found_among_other_fields_and_not_by_prefix() {
        assert_eq!(form_field(b"a=1&csrf_token=ab12&b=2", "csrf_token"), Some("ab12"));
        assert_eq!(form_field(b"xcsrf_token=ab12", "csrf_token"), None);
        assert_eq!(form_field(b"", "csrf_token"), None);
    }
}
