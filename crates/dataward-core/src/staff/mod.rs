//! Staff of the operator who use the console: their roles, what each role may do, the rules for
//! names and passwords, lock-out after failed logins, and the TOTP second factor.
//!
//! - `role`: the four roles and the permissions each one holds (need-to-know).
//! - `credentials`: staff names and passwords (length rules, never shown in `Debug`).
//! - `lockout`: how many failed logins lock an account and for how long.
//! - `session`: how long a console session lives (absolute and idle limits).
//! - `totp`: RFC 6238 one-time codes (secret, otpauth URI, checking a code at a given time).
//!
//! Everything here is pure: time is passed in, randomness is passed in.

pub mod credentials;
pub mod lockout;
pub mod role;
pub mod session;
pub mod totp;

pub use credentials::{CredentialError, Password, StaffName};
pub use lockout::{LOCKOUT_MINUTES, Lockout, MAX_FAILED_LOGINS};
pub use role::{Permission, Role, RoleError};
pub use session::{SESSION_IDLE_MINUTES, SESSION_MAX_HOURS, session_expires_at, session_is_live};
pub use totp::{TotpError, TotpSecret};
