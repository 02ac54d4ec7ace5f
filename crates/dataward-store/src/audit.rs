//! The audit log's storage: appending entries to the hash chain and reading them back.
//!
//! An append first bumps the single `audit_head` row, which serialises appends on both engines
//! (PostgreSQL holds that row's lock until the transaction ends; SQLite has one writer at a time),
//! so two appends can never take the same sequence number or chain onto the same predecessor.
//! Because the lock is held until commit, callers that append inside a long transaction (an
//! ingest) do so as the last step before committing. The chain itself is computed and verified
//! by `dataward_core::audit`.

use dataward_core::audit::{Actor, AuditEntry, ChainBreak, NewAuditEntry, verify_chain};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::AnyConnection;

use crate::sql::{Val, insert_rows};
use crate::{Store, StoreError};

/// What `audit verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    /// Entries checked.
    pub entries: usize,
    /// The head the store recorded: last sequence number and hash.
    pub head_seq: i64,
    pub head_hash: String,
    /// The first bad entry, if any.
    #[serde(serialize_with = "serialize_break")]
    pub first_break: Option<ChainBreak>,
}

fn serialize_break<S: serde::Serializer>(b: &Option<ChainBreak>, s: S) -> Result<S::Ok, S::Error> {
    match b {
        Some(b) => s.serialize_some(&serde_json::json!({ "seq": b.seq(), "problem": b.to_string() })),
        None => s.serialize_none(),
    }
}

/// Appends `entry` on `conn`, which may be a connection or an open transaction (then the entry
/// commits or rolls back with it). Returns the entry as chained.
pub async fn append_audit_on(
    conn: &mut AnyConnection,
    entry: &NewAuditEntry,
    now: Timestamp,
) -> Result<AuditEntry, StoreError> {
    // Taking the head row first is what serialises appends; its old hash is returned because
    // only `seq` is changed here.
    let (seq, prev_hash): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
            .fetch_one(&mut *conn)
            .await?;
    let chained = entry.chain(seq, &now.to_string(), &prev_hash);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor, action, target, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(chained.seq)
    .bind(&chained.at)
    .bind(&chained.actor)
    .bind(&chained.action)
    .bind(&chained.target)
    .bind(&chained.detail)
    .bind(&chained.prev_hash)
    .bind(&chained.hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&chained.hash).execute(&mut *conn).await?;
    Ok(chained)
}

/// Appends `entries` in order on `conn` (an open transaction), each at its own time: three
/// statements whatever their number (the recording of concurrent client requests uses this).
pub(crate) async fn append_many_on(
    backend: crate::store::Backend,
    conn: &mut AnyConnection,
    entries: &[(NewAuditEntry, Timestamp)],
) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let count = entries.len() as i64;
    let (last, mut prev_hash): (i64, String) =
        sqlx::query_as("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash")
            .bind(count)
            .fetch_one(&mut *conn)
            .await?;
    let mut rows = Vec::with_capacity(entries.len());
    for (i, (entry, at)) in entries.iter().enumerate() {
        let chained = entry.chain(last - count + 1 + i as i64, &at.to_string(), &prev_hash);
        prev_hash = chained.hash.clone();
        rows.push(vec![
            Val::Int(chained.seq),
            Val::Text(chained.at),
            Val::Text(chained.actor),
            Val::Text(chained.action),
            Val::Text(chained.target),
            Val::Text(chained.detail),
            Val::Text(chained.prev_hash),
            Val::Text(chained.hash),
        ]);
    }
    insert_rows(
        backend,
        conn,
        "audit_log",
        &["seq", "at", "actor", "action", "target", "detail", "prev_hash", "hash"],
        rows,
    )
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&prev_hash).execute(&mut *conn).await?;
    Ok(())
}

/// Builds and appends one entry on `conn` (the store's own hooks use this).
pub(crate) async fn record(
    conn: &mut AnyConnection,
    actor: Actor,
    action: &str,
    target: &str,
    detail: serde_json::Value,
    now: Timestamp,
) -> Result<AuditEntry, StoreError> {
    append_audit_on(conn, &NewAuditEntry::new(actor, action, target, detail)?, now).await
}

impl Store {
    /// Appends `entry` to the audit log in a transaction of its own.
    pub async fn append_audit(&self, entry: &NewAuditEntry, now: Timestamp) -> Result<AuditEntry, StoreError> {
        let mut tx = self.begin_write().await?;
        let chained = append_audit_on(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(chained)
    }

    /// Appends `entry` inside the caller's open transaction (pass `&mut *tx`): it is kept only
    /// if that transaction commits. Call it last before committing (see the module doc).
    pub async fn append_audit_in(
        &self,
        conn: &mut AnyConnection,
        entry: &NewAuditEntry,
        now: Timestamp,
    ) -> Result<AuditEntry, StoreError> {
        append_audit_on(conn, entry, now).await
    }

    /// Every audit entry in sequence order.
    pub async fn audit_entries(&self) -> Result<Vec<AuditEntry>, StoreError> {
        let mut conn = self.pool.acquire().await?;
        read_entries(&mut conn).await
    }

    /// Checks the whole chain against the recorded head.
    pub async fn verify_audit(&self) -> Result<AuditVerification, StoreError> {
        let mut tx = self.pool.begin().await?;
        let (head_seq, head_hash): (i64, String) =
            sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
        let entries = read_entries(&mut tx).await?;
        tx.commit().await?;
        let result = verify_chain(&entries, head_seq);
        Ok(AuditVerification { entries: entries.len(), head_seq, head_hash, first_break: result.err() })
    }
}

async fn read_entries(conn: &mut AnyConnection) -> Result<Vec<AuditEntry>, StoreError> {
    type Row = (i64, String, String, String, String, String, String, String);
    let rows: Vec<Row> =
        sqlx::query_as("SELECT seq, at, actor, action, target, detail, prev_hash, hash FROM audit_log ORDER BY seq")
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(seq, at, actor, action, target, detail, prev_hash, hash)| AuditEntry {
            seq,
            at,
            actor,
            action,
            target,
            detail,
            prev_hash,
            hash,
        })
        .collect())
}
