//! One-time download links for portability exports and access reports: the content is kept
//! through the codec under a keyed digest of a random token, expires, and can be taken once.

use dataward_core::keys::Digest;
use jiff::Timestamp;
use sqlx::Row;

use crate::{Store, StoreError};

/// The data key sealing prepared downloads (`scope_keys`); each download is bound to its token.
const DOWNLOADS_SCOPE: &str = "rights-downloads";

fn sealed_as(token: &Digest) -> String {
    format!("rights-download:{}", hex::encode(token.as_ref()))
}

impl Store {
    /// Keeps `content` for one download by the holder of the token whose digest is `token`.
    pub async fn create_download(
        &self,
        request_id: &str,
        token: &Digest,
        format: &str,
        content: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let key = self.scope_key(&mut tx, DOWNLOADS_SCOPE).await?;
        sqlx::query(
            "INSERT INTO rights_downloads (token_hash, request_id, format, content, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token.to_vec())
        .bind(request_id)
        .bind(format)
        .bind(crate::codec::encode(&key, &sealed_as(token), content))
        .bind(expires_at.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a download once: returns `(request id, format, content)` and marks it used, or
    /// `None` when the token is unknown, expired or already used. The content is wiped on use.
    pub async fn take_download(
        &self,
        token: &Digest,
        now: Timestamp,
    ) -> Result<Option<(String, String, String)>, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "SELECT request_id, format, content, expires_at FROM rights_downloads WHERE token_hash = $1 AND used_at IS NULL",
        )
        .bind(token.to_vec())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let expires_at: String = row.try_get("expires_at")?;
        if expires_at.parse::<Timestamp>().map_err(|e| StoreError::Corrupt(e.to_string()))? < now {
            return Ok(None);
        }
        let request_id: String = row.try_get("request_id")?;
        let stored: Vec<u8> = row.try_get("content")?;
        let key = self.existing_scope_key(&mut tx, DOWNLOADS_SCOPE).await?;
        let content = crate::codec::decode(key.as_ref(), &sealed_as(token), &stored)?;
        let taken = sqlx::query(
            "UPDATE rights_downloads SET used_at = $1, content = $2 WHERE token_hash = $3 AND used_at IS NULL",
        )
        .bind(now.to_string())
        .bind(Vec::<u8>::new())
        .bind(token.to_vec())
        .execute(&mut *tx)
        .await?;
        if taken.rows_affected() != 1 {
            return Ok(None);
        }
        tx.commit().await?;
        Ok(Some((request_id, row.try_get("format")?, content)))
    }
}
