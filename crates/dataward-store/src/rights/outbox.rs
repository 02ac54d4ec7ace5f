//! The notification outbox: codes to requesters and Art. 19 notices to recipients are written
//! here (address and body through the codec) and delivered by a worker with retries, so a
//! request's actions never wait on a mail server and no notice is lost when one is down.

use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::codec::DataKey;
use crate::store::new_id;
use crate::{Store, StoreError};

/// A notification to send.
#[derive(Clone)]
pub struct NewNotification {
    pub request_id: Option<String>,
    /// `requester`, `client` or `partner`.
    pub recipient_kind: &'static str,
    pub recipient_id: Option<String>,
    /// `email`, `webhook` or `sms`.
    pub channel: &'static str,
    pub address: String,
    pub subject: String,
    pub body: String,
}

impl std::fmt::Debug for NewNotification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NewNotification({} by {}, <redacted>)", self.recipient_kind, self.channel)
    }
}

/// A stored notification. `address` and `body` are decoded only for delivery.
#[derive(Clone, Serialize)]
pub struct Notification {
    pub id: String,
    pub request_id: Option<String>,
    pub recipient_kind: String,
    pub recipient_id: Option<String>,
    pub channel: String,
    #[serde(skip)]
    pub address: String,
    pub subject: String,
    #[serde(skip)]
    pub body: String,
    /// `pending`, `sent` or `failed` (given up after the last retry).
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    pub created_at: String,
}

impl std::fmt::Debug for Notification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Notification({} {} {}, <redacted>)", self.id, self.recipient_kind, self.status)
    }
}

/// The data key sealing queued addresses and bodies (`scope_keys`).
const OUTBOX_SCOPE: &str = "outbox";

fn sealed_as(id: &str, column: &str) -> String {
    format!("outbox:{id}:{column}")
}

const COLUMNS: &str = "id, request_id, recipient_kind, recipient_id, channel, address, subject, body, status, attempts, \
                       last_error, sent_at, created_at";

impl Store {
    /// A notification from its row; address and body are opened only when `key` is given.
    fn notification(&self, row: &AnyRow, key: Option<&DataKey>) -> Result<Notification, StoreError> {
        let id: String = row.try_get("id")?;
        let open = |column: &str| -> Result<String, StoreError> {
            let Some(key) = key else { return Ok(String::new()) };
            let stored: Vec<u8> = row.try_get(column)?;
            if stored.is_empty() {
                return Ok(String::new());
            }
            crate::codec::decode(Some(key), &sealed_as(&id, column), &stored)
        };
        Ok(Notification {
            address: open("address")?,
            body: open("body")?,
            request_id: row.try_get("request_id")?,
            recipient_kind: row.try_get("recipient_kind")?,
            recipient_id: row.try_get("recipient_id")?,
            channel: row.try_get("channel")?,
            subject: row.try_get("subject")?,
            status: row.try_get("status")?,
            attempts: row.try_get("attempts")?,
            last_error: row.try_get("last_error")?,
            sent_at: row.try_get("sent_at")?,
            created_at: row.try_get("created_at")?,
            id,
        })
    }

    /// Queues notifications for delivery now.
    pub async fn enqueue_notifications(
        &self,
        notifications: &[NewNotification],
        now: Timestamp,
    ) -> Result<Vec<String>, StoreError> {
        let mut tx = self.begin_write().await?;
        let key = self.scope_key(&mut tx, OUTBOX_SCOPE).await?;
        let mut ids = Vec::with_capacity(notifications.len());
        for n in notifications {
            let id = new_id();
            sqlx::query(
                "INSERT INTO notifications (id, request_id, recipient_kind, recipient_id, channel, address, subject,
                    body, status, attempts, next_attempt_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9)",
            )
            .bind(&id)
            .bind(n.request_id.clone())
            .bind(n.recipient_kind)
            .bind(n.recipient_id.clone())
            .bind(n.channel)
            .bind(crate::codec::encode(&key, &sealed_as(&id, "address"), &n.address))
            .bind(&n.subject)
            .bind(crate::codec::encode(&key, &sealed_as(&id, "body"), &n.body))
            .bind(now.to_string())
            .execute(&mut *tx)
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Pending notifications on `channels` whose next attempt is due, oldest first, decoded for
    /// delivery. Channels the deployment cannot deliver yet are left waiting, not failed.
    pub async fn due_notifications(
        &self,
        now: Timestamp,
        limit: i64,
        channels: &[&str],
    ) -> Result<Vec<Notification>, StoreError> {
        if channels.is_empty() {
            return Ok(Vec::new());
        }
        // Numbered placeholders on both engines: bare `?` would be bound from the first argument
        // on, whatever `$1` took.
        let sql = format!(
            "SELECT {COLUMNS} FROM notifications WHERE status = 'pending' AND next_attempt_at <= $1
             AND channel IN ({}) ORDER BY next_attempt_at, id LIMIT {}",
            crate::sql::placeholders(2, channels.len()),
            limit.max(0)
        );
        let mut conn = self.pool.acquire().await?;
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(now.to_string());
        for c in channels {
            query = query.bind(*c);
        }
        let rows = query.fetch_all(&mut *conn).await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let key = self
            .existing_scope_key(&mut conn, OUTBOX_SCOPE)
            .await?
            .ok_or_else(|| StoreError::Corrupt("pending notifications but no outbox key".into()))?;
        rows.iter().map(|r| self.notification(r, Some(&key))).collect()
    }

    /// The notifications of a request (without addresses or bodies).
    pub async fn request_notifications(&self, request_id: &str) -> Result<Vec<Notification>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM notifications WHERE request_id = $1 ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(request_id).fetch_all(&self.pool).await?;
        rows.iter().map(|r| self.notification(r, None)).collect()
    }

    /// Every notification, newest first (without addresses or bodies).
    pub async fn all_notifications(&self) -> Result<Vec<Notification>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM notifications ORDER BY created_at DESC, id DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(|r| self.notification(r, None)).collect()
    }

    /// Marks a delivery done. Codes and message bodies are wiped once sent: the outbox keeps the
    /// fact of the notice, not its content.
    pub async fn notification_sent(&self, id: &str, now: Timestamp) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE notifications SET status = 'sent', attempts = attempts + 1, sent_at = $1, last_error = NULL,
                body = $2, address = $2 WHERE id = $3",
        )
        .bind(now.to_string())
        .bind(Vec::<u8>::new())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt: retried at `retry_at`, or given up when `None`.
    pub async fn notification_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let (status, next) = match retry_at {
            Some(at) => ("pending", at.to_string()),
            None => ("failed", String::new()),
        };
        sqlx::query(
            "UPDATE notifications SET status = $1, attempts = attempts + 1, last_error = $2,
                next_attempt_at = CASE WHEN $3 = '' THEN next_attempt_at ELSE $3 END WHERE id = $4",
        )
        .bind(status)
        .bind(error)
        .bind(next)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
