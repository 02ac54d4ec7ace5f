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

use crate::exec::Exec;
use crate::sql::{Val, insert_rows};
use crate::store::Backend;
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
    let mut chained = append_many_on(conn, &[(entry.clone(), now)]).await?;
    chained.pop().ok_or_else(|| StoreError::Corrupt("an audit append returned no entry".into()))
}

/// Appends `entries` in order on `conn`, each at its own time, in three statements whatever
/// their number (the recording of concurrent client requests appends many at once). Returns
/// them as chained.
pub(crate) async fn append_many_on(
    conn: &mut AnyConnection,
    entries: &[(NewAuditEntry, Timestamp)],
) -> Result<Vec<AuditEntry>, StoreError> {
    let backend = Backend::of_connection(conn);
    append_many_with(backend, conn, entries).await
}

/// [`append_many_on`] on either kind of connection (`exec`).
pub(crate) async fn append_many_with(
    backend: Backend,
    conn: &mut impl Exec,
    entries: &[(NewAuditEntry, Timestamp)],
) -> Result<Vec<AuditEntry>, StoreError> {
    if entries.is_empty() {
        return Ok(Vec::new());
    }
    let count = entries.len() as i64;
    // Taking the head row first is what serialises appends; its old hash is returned because
    // only `seq` is changed here.
    let head = conn
        .rows("UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash", vec![Val::Int(count)], |r| {
            Ok((r.int("seq")?, r.text("hash")?))
        })
        .await?;
    let (last, prev_hash) =
        head.into_iter().next().ok_or_else(|| StoreError::Corrupt("the audit log has no head".into()))?;
    let chained = chain_after(last - count, &prev_hash, entries);
    insert_rows(backend, conn, "audit_log", AUDIT_COLUMNS, audit_rows(&chained)).await?;
    let head_hash = chained.last().map(|c| c.hash.clone()).unwrap_or(prev_hash);
    conn.exec("UPDATE audit_head SET hash = $1 WHERE id = 1", vec![Val::Text(head_hash)]).await?;
    Ok(chained)
}

/// The columns of `audit_log`, in the order of [`audit_rows`].
pub(crate) const AUDIT_COLUMNS: &[&str] = &["seq", "at", "actor", "action", "target", "detail", "prev_hash", "hash"];

/// `entries` chained in order onto the entry numbered `seq` whose hash is `hash`.
pub(crate) fn chain_after(seq: i64, hash: &str, entries: &[(NewAuditEntry, Timestamp)]) -> Vec<AuditEntry> {
    let mut prev_hash = hash.to_string();
    let mut chained = Vec::with_capacity(entries.len());
    for (i, (entry, at)) in entries.iter().enumerate() {
        let entry = entry.chain(seq + 1 + i as i64, &at.to_string(), &prev_hash);
        prev_hash = entry.hash.clone();
        chained.push(entry);
    }
    chained
}

/// The rows inserting `chained` into `audit_log` ([`AUDIT_COLUMNS`]).
pub(crate) fn audit_rows(chained: &[AuditEntry]) -> Vec<Vec<Val>> {
    chained
        .iter()
        .map(|c| {
            vec![
                Val::Int(c.seq),
                Val::Text(c.at.clone()),
                Val::Text(c.actor.clone()),
                Val::Text(c.action.clone()),
                Val::Text(c.target.clone()),
                Val::Text(c.detail.clone()),
                Val::Text(c.prev_hash.clone()),
                Val::Text(c.hash.clone()),
            ]
        })
        .collect()
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
