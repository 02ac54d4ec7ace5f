//! Console sessions: a random token given to the browser once (as a cookie) and kept here only
//! as its SHA-256 digest, the staff member it belongs to, when it ends, and the session's CSRF
//! token. Lifetimes follow `dataward_core::staff::session`.

use dataward_core::staff::{session_expires_at, session_is_live};
use jiff::{SignedDuration, Timestamp};
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::staff::StaffMember;
use crate::{Store, StoreError};

/// Requests closer together than this do not rewrite `last_seen_at` (saves a write per page).
const TOUCH_EVERY_SECS: i64 = 60;

/// A session just opened: the token is shown to the browser once. `Debug` hides it.
pub struct IssuedSession {
    token: String,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

impl IssuedSession {
    /// The session token, for the cookie.
    pub fn reveal(&self) -> &str {
        &self.token
    }
}

impl std::fmt::Debug for IssuedSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IssuedSession(…, expires {})", self.expires_at)
    }
}

/// A live session and whose it is.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffSessionRecord {
    pub staff: StaffMember,
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// 32 random bytes as 64 hex characters.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random source is available");
    hex::encode(bytes)
}

/// The digest a token is stored as.
fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn parse_time(text: &str) -> Result<Timestamp, StoreError> {
    text.parse().map_err(|e| StoreError::Corrupt(format!("bad time `{text}`: {e}")))
}

impl Store {
    /// Opens a session for a staff member at `now`.
    pub async fn open_staff_session(&self, staff_id: &str, now: Timestamp) -> Result<IssuedSession, StoreError> {
        let session =
            IssuedSession { token: random_token(), csrf_token: random_token(), expires_at: session_expires_at(now) };
        sqlx::query(
            "INSERT INTO staff_sessions (token_hash, staff_id, csrf_token, created_at, expires_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $5, $4)",
        )
        .bind(token_digest(&session.token))
        .bind(staff_id)
        .bind(&session.csrf_token)
        .bind(now.to_string())
        .bind(session.expires_at.to_string())
        .execute(&self.pool)
        .await?;
        Ok(session)
    }

    /// The live session a presented token opens at `now`, if any. An ended session (expired,
    /// idle too long, or its staff member disabled) is deleted and gives `None`. A live one is
    /// marked as used.
    pub async fn staff_session(&self, token: &str, now: Timestamp) -> Result<Option<StaffSessionRecord>, StoreError> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        let digest = token_digest(token);
        let row = sqlx::query(
            "SELECT staff_id, csrf_token, created_at, expires_at, last_seen_at FROM staff_sessions WHERE token_hash = $1",
        )
        .bind(&digest)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let staff_id: String = row.try_get("staff_id")?;
        let expires_at = parse_time(&row.try_get::<String, _>("expires_at")?)?;
        let last_seen_at = parse_time(&row.try_get::<String, _>("last_seen_at")?)?;
        let staff = self.staff_by_id(&staff_id).await?;
        let staff = match staff {
            Some(staff) if staff.disabled_at.is_none() && session_is_live(expires_at, last_seen_at, now) => staff,
            _ => {
                self.close_staff_session(token).await?;
                return Ok(None);
            }
        };
        if now.duration_since(last_seen_at) >= SignedDuration::from_secs(TOUCH_EVERY_SECS) {
            sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE token_hash = $2")
                .bind(now.to_string())
                .bind(&digest)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(StaffSessionRecord {
            staff,
            csrf_token: row.try_get("csrf_token")?,
            created_at: parse_time(&row.try_get::<String, _>("created_at")?)?,
            expires_at,
        }))
    }

    /// Ends the session a token opens (signing out). Unknown tokens are ignored.
    pub async fn close_staff_session(&self, token: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
            .bind(token_digest(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many sessions are stored for a staff member (live or not yet swept).
    pub async fn count_staff_sessions(&self, staff_id: &str) -> Result<i64, StoreError> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM staff_sessions WHERE staff_id = $1")
            .bind(staff_id)
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }
}
