//! `StaffSession`: the signed-in staff member, handed to console handlers by the guard.
//!
//! Handlers take it as an extractor. It exists only on routes the guard protects: a handler on
//! an unguarded route that asks for it gets an internal error, never an anonymous session.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use dataward_core::staff::{Permission, Role};
use dataward_store::staff::StaffMember;
use jiff::Timestamp;

use crate::error::AppError;

/// The form field (and `x-csrf-token` header) that carries the session's CSRF token.
pub const CSRF_FIELD: &str = "csrf_token";
/// The header a script may send the CSRF token in instead of the form field.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A signed-in staff member and their session.
#[derive(Debug, Clone)]
pub struct StaffSession {
    pub staff: StaffMember,
    pub expires_at: Timestamp,
    csrf_token: String,
}

impl StaffSession {
    pub(crate) fn new(staff: StaffMember, csrf_token: String, expires_at: Timestamp) -> StaffSession {
        StaffSession { staff, expires_at, csrf_token }
    }

    pub fn role(&self) -> Role {
        self.staff.role
    }

    /// Whether the staff member's role holds `permission`.
    pub fn allows(&self, permission: Permission) -> bool {
        self.staff.role.allows(permission)
    }

    /// `Ok` when the role holds `permission`, else a 403 (for checks beyond the endpoint's own,
    /// e.g. showing a button only some roles may press).
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.allows(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!("your role does not include `{permission}`")))
        }
    }

    /// The session's CSRF token, for the hidden `csrf_token` field of every POST form (`page`
    /// puts it in the context as `csrf_token`).
    pub fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    /// Whether `presented` is this session's CSRF token (constant time).
    pub fn csrf_matches(&self, presented: &str) -> bool {
        constant_time_eq(presented.as_bytes(), self.csrf_token.as_bytes())
    }
}

/// Byte equality whose time depends only on the lengths. Written here because it is four lines
/// and the tokens compared are fixed-length hex.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl<S: Send + Sync> FromRequestParts<S> for StaffSession {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<StaffSession>().cloned().ok_or_else(|| {
            AppError::internal(std::io::Error::other(
                "StaffSession asked for on a route the console guard does not protect",
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_equal_only_when_identical() {
        assert!(constant_time_eq(b"abcd", b"abcd"));
        assert!(!constant_time_eq(b"abcd", b"abce"));
        assert!(!constant_time_eq(b"abcd", b"abc"));
        assert!(!constant_time_eq(b"", b"a"));
    }
}
