//! The console's cookies.
//!
//! - `dw_session`: the session token. HttpOnly (no script reads it), SameSite=Strict (no other
//!   site's page sends it), Path=/console (the API never sees it), Secure unless the server runs
//!   with secure cookies switched off for plain-HTTP local runs (`ServerConfig::secure_cookies`,
//!   `dataward serve --insecure-cookies`). No Max-Age: it ends with the browser, and the server
//!   ends the session after 8 hours or 30 idle minutes whatever the browser keeps.
//! - `dw_login_csrf`: the login form's CSRF token (double submit: the form carries the same
//!   value), the same attributes, Path=/console/login.

use axum_extra::extract::cookie::{Cookie, SameSite};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "dw_session";
/// The login form's CSRF cookie's name.
pub const LOGIN_CSRF_COOKIE: &str = "dw_login_csrf";

fn base(name: &'static str, value: String, path: &'static str, secure: bool) -> Cookie<'static> {
    Cookie::build((name, value)).http_only(true).secure(secure).same_site(SameSite::Strict).path(path).build()
}

/// The session cookie carrying `token`.
pub fn session_cookie(token: &str, secure: bool) -> Cookie<'static> {
    base(SESSION_COOKIE, token.to_string(), "/console", secure)
}

/// A cookie that removes the session cookie.
pub fn session_removal() -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE).path("/console").build()
}

/// The login form's CSRF cookie.
pub fn login_csrf_cookie(token: &str, secure: bool) -> Cookie<'static> {
    base(LOGIN_CSRF_COOKIE, token.to_string(), "/console/login", secure)
}

/// A cookie that removes the login form's CSRF cookie.
pub fn login_csrf_removal() -> Cookie<'static> {
    Cookie::build(LOGIN_CSRF_COOKIE).path("/console/login").build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_http_only_strict_secure_and_scoped_to_the_console() {
        let text = session_cookie("abc", true).to_string();
        for part in ["dw_session=abc", "HttpOnly", "SameSite=Strict", "Secure", "Path=/console"] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
        assert!(!session_cookie("abc", false).to_string().contains("Secure"));
    }
}
