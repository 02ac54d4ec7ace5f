//! Client batch jobs: a list uploaded once, answered row by row in the background, its progress
//! readable at any time and its result downloadable by the client that sent it.
//!
//! Jobs are claimed with one conditional `UPDATE` (`status = 'queued'` re-checked), so two
//! workers never run the same job. A job found `running` when the server starts was interrupted
//! and is queued again ([`Store::requeue_interrupted_jobs`]); rows are answered again from the
//! start, each as a fresh client request.

use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;

use crate::store::new_id;
use crate::{Store, StoreError};

/// Codec scope of job inputs and outputs.
fn scope(id: &str) -> String {
    format!("client-job:{id}")
}

/// A job as the client sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobStatus {
    pub id: String,
    pub kind: String,
    pub purpose: String,
    pub status: String,
    pub total_rows: i64,
    pub done_rows: i64,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub error: Option<String>,
}

/// A claimed job with its input.
#[derive(Clone)]
pub struct ClaimedJob {
    pub id: String,
    pub client_id: String,
    pub kind: String,
    pub purpose: String,
    pub input: String,
}

impl std::fmt::Debug for ClaimedJob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClaimedJob({} {} {}, <input redacted>)", self.id, self.kind, self.purpose)
    }
}

const STATUS_COLUMNS: &str =
    "id, kind, purpose, status, total_rows, done_rows, created_at, started_at, finished_at, error";

fn status_of(r: &sqlx::any::AnyRow) -> Result<JobStatus, StoreError> {
    Ok(JobStatus {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        purpose: r.try_get("purpose")?,
        status: r.try_get("status")?,
        total_rows: r.try_get("total_rows")?,
        done_rows: r.try_get("done_rows")?,
        created_at: r.try_get("created_at")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
        error: r.try_get("error")?,
    })
}

impl Store {
    /// Queues a job.
    pub async fn create_job(
        &self,
        client_id: &str,
        kind: &str,
        purpose: &str,
        input: &str,
        total_rows: i64,
        now: Timestamp,
    ) -> Result<JobStatus, StoreError> {
        let id = new_id();
        let mut tx = self.begin_write().await?;
        let key = self.scope_key(&mut tx, &scope(&id)).await?;
        sqlx::query(
            "INSERT INTO client_jobs (id, client_id, kind, purpose, status, total_rows, done_rows, created_at, input)
             VALUES ($1, $2, $3, $4, 'queued', $5, 0, $6, $7)",
        )
        .bind(&id)
        .bind(client_id)
        .bind(kind)
        .bind(purpose)
        .bind(total_rows)
        .bind(now.to_string())
        .bind(crate::codec::encode(&key, &scope(&id), input))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(self.job(&id, client_id).await?.expect("just created"))
    }

    /// Claims the oldest queued job, if any.
    pub async fn claim_job(&self, now: Timestamp) -> Result<Option<ClaimedJob>, StoreError> {
        let row = sqlx::query(
            "UPDATE client_jobs SET status = 'running', started_at = $1
             WHERE id = (SELECT id FROM client_jobs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1)
               AND status = 'queued'
             RETURNING id, client_id, kind, purpose, input",
        )
        .bind(now.to_string())
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else { return Ok(None) };
        let id: String = r.try_get("id")?;
        let stored: Vec<u8> = r.try_get("input")?;
        let mut conn = self.pool.acquire().await?;
        let key = self.existing_scope_key(&mut conn, &scope(&id)).await?;
        Ok(Some(ClaimedJob {
            input: crate::codec::decode(key.as_ref(), &scope(&id), &stored)?,
            client_id: r.try_get("client_id")?,
            kind: r.try_get("kind")?,
            purpose: r.try_get("purpose")?,
            id,
        }))
    }

    /// Records how many rows are answered.
    pub async fn job_progress(&self, id: &str, done_rows: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE client_jobs SET done_rows = $1 WHERE id = $2")
            .bind(done_rows)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores the result and marks the job done.
    pub async fn finish_job(&self, id: &str, done_rows: i64, output: &str, now: Timestamp) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let key = self.scope_key(&mut conn, &scope(id)).await?;
        sqlx::query(
            "UPDATE client_jobs SET status = 'done', done_rows = $1, output = $2, finished_at = $3 WHERE id = $4",
        )
        .bind(done_rows)
        .bind(crate::codec::encode(&key, &scope(id), output))
        .bind(now.to_string())
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// Marks the job failed with a message safe to show the client.
    pub async fn fail_job(&self, id: &str, error: &str, now: Timestamp) -> Result<(), StoreError> {
        sqlx::query("UPDATE client_jobs SET status = 'failed', error = $1, finished_at = $2 WHERE id = $3")
            .bind(error)
            .bind(now.to_string())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Jobs left running by a stopped server go back to the queue. Returns how many.
    pub async fn requeue_interrupted_jobs(&self) -> Result<u64, StoreError> {
        let n = sqlx::query("UPDATE client_jobs SET status = 'queued', done_rows = 0 WHERE status = 'running'")
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(n)
    }

    /// A job of `client_id` (`None` for another client's job or an unknown id).
    pub async fn job(&self, id: &str, client_id: &str) -> Result<Option<JobStatus>, StoreError> {
        let sql = format!("SELECT {STATUS_COLUMNS} FROM client_jobs WHERE id = $1 AND client_id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).bind(client_id).fetch_optional(&self.pool).await?;
        row.as_ref().map(status_of).transpose()
    }

    /// The result of a finished job of `client_id`.
    pub async fn job_result(&self, id: &str, client_id: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT output FROM client_jobs WHERE id = $1 AND client_id = $2 AND status = 'done'")
            .bind(id)
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else { return Ok(None) };
        let stored: Option<Vec<u8>> = r.try_get("output")?;
        let Some(stored) = stored else { return Ok(None) };
        let mut conn = self.pool.acquire().await?;
        let key = self.existing_scope_key(&mut conn, &scope(id)).await?;
        crate::codec::decode(key.as_ref(), &scope(id), &stored).map(Some)
    }
}
