//! Partner authentication: `Authorization: Bearer <key>` checked against the store.
//!
//! Keys look like `dwp_<12 hex>_<48 hex>`; the store finds the partner by the public prefix and
//! verifies the whole key against its Argon2 hash. Argon2 is deliberately slow, so the lookup runs
//! on the blocking pool rather than on an async worker. Any missing, malformed or wrong key is the
//! same 401 (with `WWW-Authenticate: Bearer`), so callers learn nothing about which keys exist.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use dataward_store::partners::Partner;

use crate::error::AppError;
use crate::state::AppState;

/// Keys longer than this are refused without touching the store (genuine ones are 66 bytes).
const MAX_KEY_LEN: usize = 128;

/// The partner whose API key authenticated this request.
#[derive(Debug, Clone)]
pub struct AuthenticatedPartner(pub Partner);

/// The bearer token of a request, if it presents one.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value: &HeaderValue = headers.get(AUTHORIZATION)?;
    let (scheme, token) = value.to_str().ok()?.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && token.len() <= MAX_KEY_LEN).then_some(token)
}

impl FromRequestParts<AppState> for AuthenticatedPartner {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let key = bearer_token(&parts.headers).ok_or(AppError::Unauthorized)?.to_owned();
        let store = state.store.clone();
        let runtime = tokio::runtime::Handle::current();
        let found = tokio::task::spawn_blocking(move || runtime.block_on(store.partner_by_key(&key)))
            .await
            .map_err(AppError::internal)??;
        found.map(AuthenticatedPartner).ok_or(AppError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn the_bearer_token_is_read_case_insensitively_and_other_schemes_are_ignored() {
        assert_eq!(bearer_token(&headers("Bearer dwp_abc")), Some("dwp_abc"));
        assert_eq!(bearer_token(&headers("bearer  dwp_abc ")), Some("dwp_abc"));
        assert_eq!(bearer_token(&headers("Basic dXNlcjpwYXNz")), None);
        assert_eq!(bearer_token(&headers("Bearer")), None);
        assert_eq!(bearer_token(&headers(&format!("Bearer {}", "a".repeat(500)))), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }
}
