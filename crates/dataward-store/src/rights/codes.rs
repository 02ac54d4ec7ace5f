//! One-time codes that prove a requester controls the contact they gave. Only a keyed digest of
//! the code is kept; a code expires, allows a few attempts, and is gone once used.

use dataward_core::keys::Digest;
use jiff::Timestamp;
use sqlx::Row;

use crate::{Store, StoreError};

/// Wrong codes allowed before the code is void.
pub const MAX_CODE_ATTEMPTS: i64 = 5;

/// What checking a code found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    Accepted,
    Wrong {
        attempts_left: i64,
    },
    /// Expired, used up, or never issued: the requester must ask for a new one.
    Void,
}

impl Store {
    /// Issues (or replaces) the request's code.
    pub async fn set_rights_code(
        &self,
        request_id: &str,
        code: &Digest,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO rights_codes (request_id, code_hash, expires_at, attempts) VALUES ($1, $2, $3, 0)
             ON CONFLICT (request_id) DO UPDATE SET code_hash = excluded.code_hash,
                expires_at = excluded.expires_at, attempts = 0",
        )
        .bind(request_id)
        .bind(code.to_vec())
        .bind(expires_at.to_string())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Checks a code: accepted once (then removed), counted when wrong, void when expired or
    /// used up.
    pub async fn check_rights_code(
        &self,
        request_id: &str,
        code: &Digest,
        now: Timestamp,
    ) -> Result<CodeCheck, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT code_hash, expires_at, attempts FROM rights_codes WHERE request_id = $1")
            .bind(request_id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else { return Ok(CodeCheck::Void) };
        let stored: Vec<u8> = row.try_get("code_hash")?;
        let expires_at: Timestamp = row
            .try_get::<String, _>("expires_at")?
            .parse()
            .map_err(|e: jiff::Error| StoreError::Corrupt(e.to_string()))?;
        let attempts: i64 = row.try_get("attempts")?;
        if now > expires_at || attempts >= MAX_CODE_ATTEMPTS {
            return Ok(CodeCheck::Void);
        }
        // Both sides are keyed digests of equal length; compare without an early exit anyway.
        let matches = stored.len() == code.len() && stored.iter().zip(code).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
        let outcome = if matches {
            sqlx::query("DELETE FROM rights_codes WHERE request_id = $1").bind(request_id).execute(&mut *tx).await?;
            CodeCheck::Accepted
        } else {
            sqlx::query("UPDATE rights_codes SET attempts = attempts + 1 WHERE request_id = $1")
                .bind(request_id)
                .execute(&mut *tx)
                .await?;
            CodeCheck::Wrong { attempts_left: MAX_CODE_ATTEMPTS - attempts - 1 }
        };
        tx.commit().await?;
        Ok(outcome)
    }
}
