//! CSRF protection for the portal's public forms, which have no session: a double-submit token.
//!
//! A form page puts a random token in the `dw_portal_csrf` cookie (HttpOnly, SameSite=Strict,
//! Path=/rights, Secure unless the server runs without secure cookies) and the same value in the
//! form's hidden `csrf_token` field. A POST is accepted only when the two match, which another
//! site cannot arrange: it can neither read nor set the cookie. The token carries no personal data.

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::console::session::constant_time_eq;
use crate::rights::service::random_token;

/// The cookie holding the portal's CSRF token.
pub const PORTAL_CSRF_COOKIE: &str = "dw_portal_csrf";

/// The token for a form page: the browser's current one when it sent a well-formed one, else a
/// new one. Returns the jar (with the cookie set) and the token for the hidden field.
pub fn issue(jar: CookieJar, secure: bool) -> (CookieJar, String) {
    let current = jar.get(PORTAL_CSRF_COOKIE).map(|c| c.value().to_owned()).filter(|t| well_formed(t));
    let token = current.unwrap_or_else(random_token);
    let cookie = Cookie::build((PORTAL_CSRF_COOKIE, token.clone()))
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .path("/rights")
        .build();
    (jar.add(cookie), token)
}

/// Whether a form's `presented` token matches the browser's cookie (constant time).
pub fn accepts(jar: &CookieJar, presented: &str) -> bool {
    match jar.get(PORTAL_CSRF_COOKIE) {
        Some(cookie) => {
            well_formed(cookie.value()) && constant_time_eq(cookie.value().as_bytes(), presented.as_bytes())
        }
        None => false,
    }
}

/// Tokens are 64 lower-case hex digits; anything else is ignored.
fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_token_is_accepted_only_with_the_same_cookie() {
        let (jar, token) = issue(CookieJar::new(), true);
        assert!(accepts(&jar, &token));
        assert!(!accepts(&jar, &"0".repeat(64)));
        assert!(!accepts(&CookieJar::new(), &token), "no cookie, no acceptance");
        let line = jar.get(PORTAL_CSRF_COOKIE).unwrap().to_string();
        for part in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/rights"] {
            assert!(line.contains(part), "{part} missing from {line}");
        }
    }

    #[test]
    fn an_existing_token_is_kept_and_a_malformed_one_replaced() {
        let (jar, first) = issue(CookieJar::new(), false);
        let (_, again) = issue(jar, false);
        assert_eq!(first, again, "reloading a form keeps the browser's token");
        let bad = CookieJar::new().add(Cookie::new(PORTAL_CSRF_COOKIE, "short"));
        let (jar, token) = issue(bad, false);
        assert_eq!(token.len(), 64);
        assert!(accepts(&jar, &token));
    }
}
