//! Preference registers (TPS, CTPS, MPS): atomic full or delta loads, counts, status, and the
//! in-memory `ScreeningSet` of a register.
//!
//! `Store::begin_register_load` opens a transaction; `RegisterLoadTx::apply` writes changes in
//! chunks; `finish` records the load and commits. A full load upserts every entry it lists,
//! stamping it with the load's id, then deletes the entries of the kind it did not stamp, so a
//! failed or abandoned load (dropped without `finish`) leaves the previous register untouched.
//!
//! Digests are sent in bulk as one parameter per chunk: the chunk's 32-byte digests packed into a
//! single blob, unpacked server-side (`generate_series` + `substring` on PostgreSQL, a recursive
//! CTE + `substr` on SQLite). That is one bound value per 10,000 entries instead of 40,000.

use dataward_core::audit::Actor;
use dataward_core::keys::Digest;
use dataward_core::screening::{Action, Change, LoadMode, LoadReport, RegisterKind, ScreeningSet, truncate};
use futures_util::TryStreamExt;
use jiff::Timestamp;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row};

use crate::store::{new_id, set_sqlite_cache_kib};
use crate::{Backend, Store, StoreError};

/// Digests per statement.
const CHUNK: usize = 10_000;

/// One register load as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterLoad {
    pub id: String,
    pub kind: RegisterKind,
    pub mode: LoadMode,
    pub file_name: String,
    pub file_sha256: String,
    pub rows_read: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub added: u64,
    pub removed: u64,
    /// Entries of the kind after the load.
    pub total: u64,
    pub loaded_at: String,
}

/// A register's size and its latest load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegisterStatus {
    pub kind: RegisterKind,
    pub entries: u64,
    pub last_load: Option<RegisterLoad>,
}

/// An open register load. Nothing is visible to anyone else until `finish` commits.
pub struct RegisterLoadTx {
    tx: crate::write_tx::WriteTx,
    backend: Backend,
    id: String,
    kind: RegisterKind,
    mode: LoadMode,
    file_name: String,
    loaded_at: String,
    before: u64,
    added: u64,
    removed: u64,
}

/// The SQL that unpacks `$blob` (`$count` packed digests) into rows of a column `d`: a prefix
/// to put before the statement and the row source to select from.
fn unpacked(backend: Backend, blob: usize, count: usize) -> (String, String) {
    match backend {
        Backend::Postgres => (
            String::new(),
            format!(
                "(SELECT substring(${blob}::bytea FROM (s.i * 32 + 1)::int FOR 32) AS d
                  FROM generate_series(0, ${count}::bigint - 1) AS s(i)) AS u"
            ),
        ),
        Backend::Sqlite => (
            format!("WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ${count}) "),
            format!("(SELECT substr(${blob}, i * 32 + 1, 32) AS d FROM s) AS u"),
        ),
    }
}

fn pack(digests: &[Digest]) -> Vec<u8> {
    digests.iter().flat_map(|d| d.iter().copied()).collect()
}

async fn count_entries<'e>(
    executor: impl sqlx::Executor<'e, Database = Any>,
    kind: RegisterKind,
) -> Result<u64, StoreError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM register_entries WHERE kind = $1")
        .bind(kind.as_str())
        .fetch_one(executor)
        .await?;
    Ok(n as u64)
}

impl Store {
    /// Opens a load of register `kind` from `file_name`.
    pub async fn begin_register_load(
        &self,
        kind: RegisterKind,
        mode: LoadMode,
        file_name: &str,
        now: Timestamp,
    ) -> Result<RegisterLoadTx, StoreError> {
        // Its own connection, with a loading batch's page cache (`--ingest-cache-mib`): a
        // register's digests arrive in random order, and with the serving cache (8 MiB) a
        // 2,000,000-entry load spent most of its time writing pages out to the write-ahead log
        // and reading them back.
        let mut tx = self.begin_dedicated_write().await?;
        match self.backend {
            Backend::Sqlite => set_sqlite_cache_kib(&mut tx, self.ingest_cache_kib).await?,
            Backend::Postgres => {
                // One load of a kind at a time; SQLite serialises writers already.
                sqlx::query("SELECT pg_advisory_xact_lock(hashtext('register:' || $1))")
                    .bind(kind.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        let before = count_entries(&mut *tx, kind).await?;
        Ok(RegisterLoadTx {
            tx,
            backend: self.backend,
            id: new_id(),
            kind,
            mode,
            file_name: file_name.to_string(),
            loaded_at: now.to_string(),
            before,
            added: 0,
            removed: 0,
        })
    }

    /// Entries currently in register `kind`.
    pub async fn register_entry_count(&self, kind: RegisterKind) -> Result<u64, StoreError> {
        count_entries(&self.pool, kind).await
    }

    /// Loads of register `kind`, newest first.
    pub async fn register_loads(&self, kind: RegisterKind) -> Result<Vec<RegisterLoad>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, mode, file_name, file_sha256, rows_read, accepted, rejected, added, removed, total,
                    loaded_at
             FROM register_loads WHERE kind = $1 ORDER BY loaded_at DESC, id DESC",
        )
        .bind(kind.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(load_from_row).collect()
    }

    /// Every register's entry count and latest load.
    pub async fn register_status(&self) -> Result<Vec<RegisterStatus>, StoreError> {
        let mut out = Vec::new();
        for kind in RegisterKind::ALL {
            let entries = self.register_entry_count(kind).await?;
            let last_load = self.register_loads(kind).await?.into_iter().next();
            out.push(RegisterStatus { kind, entries, last_load });
        }
        Ok(out)
    }

    /// Every entry of register `kind` as an in-memory screening set.
    pub async fn screening_set(&self, kind: RegisterKind) -> Result<ScreeningSet, StoreError> {
        let expected = self.register_entry_count(kind).await?;
        let mut prefixes = Vec::with_capacity(expected as usize);
        let mut rows =
            sqlx::query("SELECT digest FROM register_entries WHERE kind = $1").bind(kind.as_str()).fetch(&self.pool);
        while let Some(row) = rows.try_next().await? {
            let bytes: Vec<u8> = row.try_get(0)?;
            let digest: Digest =
                bytes.try_into().map_err(|_| StoreError::Corrupt("register digest of wrong length".into()))?;
            prefixes.push(truncate(&digest));
        }
        Ok(ScreeningSet::from_prefixes(prefixes))
    }
}

fn load_from_row(row: &AnyRow) -> Result<RegisterLoad, StoreError> {
    let kind: String = row.try_get("kind")?;
    let mode: String = row.try_get("mode")?;
    let count = |name: &str| row.try_get::<i64, _>(name).map(|n| n as u64);
    Ok(RegisterLoad {
        id: row.try_get("id")?,
        kind: RegisterKind::parse(&kind).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        mode: LoadMode::parse(&mode).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        file_name: row.try_get("file_name")?,
        file_sha256: row.try_get("file_sha256")?,
        rows_read: count("rows_read")?,
        accepted: count("accepted")?,
        rejected: count("rejected")?,
        added: count("added")?,
        removed: count("removed")?,
        total: count("total")?,
        loaded_at: row.try_get("loaded_at")?,
    })
}

impl RegisterLoadTx {
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Applies changes in order (runs of additions and of removals, in chunks).
    pub async fn apply(&mut self, changes: &[Change]) -> Result<(), StoreError> {
        let mut start = 0;
        while start < changes.len() {
            let action = changes[start].action;
            let run = changes[start..].iter().take_while(|c| c.action == action).count();
            for chunk in changes[start..start + run].chunks(CHUNK) {
                let mut digests: Vec<Digest> = chunk.iter().map(|c| c.digest).collect();
                // PostgreSQL refuses to upsert one row twice in a statement.
                digests.sort_unstable();
                digests.dedup();
                match action {
                    Action::Add => self.add(&digests).await?,
                    Action::Remove => self.remove(&digests).await?,
                }
            }
            start += run;
        }
        Ok(())
    }

    async fn add(&mut self, digests: &[Digest]) -> Result<(), StoreError> {
        let (prefix, source) = unpacked(self.backend, 4, 5);
        let conflict = match self.mode {
            // A full load stamps every entry it lists; `finish` removes the unstamped.
            LoadMode::Full => "DO UPDATE SET load_id = excluded.load_id",
            LoadMode::Delta => "DO NOTHING",
        };
        // Plain INSERT: SQLite handles an upsert's DO UPDATE branch with statement-level undo
        // whatever the verb, so `INSERT OR ROLLBACK` would save no statement journal here.
        let sql = format!(
            "{prefix}INSERT INTO register_entries (kind, digest, loaded_at, load_id)
             SELECT $1, u.d, $2, $3 FROM {source} WHERE true ON CONFLICT (kind, digest) {conflict}"
        );
        let done = sqlx::query(AssertSqlSafe(sql))
            .bind(self.kind.as_str())
            .bind(&self.loaded_at)
            .bind(&self.id)
            .bind(pack(digests))
            .bind(digests.len() as i64)
            .execute(&mut *self.tx)
            .await?;
        if self.mode == LoadMode::Delta {
            self.added += done.rows_affected();
        }
        Ok(())
    }

    async fn remove(&mut self, digests: &[Digest]) -> Result<(), StoreError> {
        let (prefix, source) = unpacked(self.backend, 2, 3);
        let sql =
            format!("{prefix}DELETE FROM register_entries WHERE kind = $1 AND digest IN (SELECT u.d FROM {source})");
        let done = sqlx::query(AssertSqlSafe(sql))
            .bind(self.kind.as_str())
            .bind(pack(digests))
            .bind(digests.len() as i64)
            .execute(&mut *self.tx)
            .await?;
        self.removed += done.rows_affected();
        Ok(())
    }

    /// Completes the load: a full load removes what it did not list; the load is recorded with
    /// `report`'s counts and everything commits at once.
    pub async fn finish(mut self, file_sha256: &str, report: &LoadReport) -> Result<RegisterLoad, StoreError> {
        if self.mode == LoadMode::Full {
            self.removed += sqlx::query("DELETE FROM register_entries WHERE kind = $1 AND load_id <> $2")
                .bind(self.kind.as_str())
                .bind(&self.id)
                .execute(&mut *self.tx)
                .await?
                .rows_affected();
        }
        let total = count_entries(&mut *self.tx, self.kind).await?;
        if self.mode == LoadMode::Full {
            // Entries now held that were not held before, given how many of those were removed.
            self.added = (total + self.removed).saturating_sub(self.before);
        }
        let load = RegisterLoad {
            id: self.id.clone(),
            kind: self.kind,
            mode: self.mode,
            file_name: self.file_name.clone(),
            file_sha256: file_sha256.to_string(),
            rows_read: report.read,
            accepted: report.accepted,
            rejected: report.rejected,
            added: self.added,
            removed: self.removed,
            total,
            loaded_at: self.loaded_at.clone(),
        };
        sqlx::query(
            "INSERT INTO register_loads (id, kind, mode, file_name, file_sha256, rows_read, accepted, rejected,
                 added, removed, total, loaded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&load.id)
        .bind(load.kind.as_str())
        .bind(load.mode.as_str())
        .bind(&load.file_name)
        .bind(&load.file_sha256)
        .bind(load.rows_read as i64)
        .bind(load.accepted as i64)
        .bind(load.rejected as i64)
        .bind(load.added as i64)
        .bind(load.removed as i64)
        .bind(load.total as i64)
        .bind(&load.loaded_at)
        .execute(&mut *self.tx)
        .await?;
        let detail = serde_json::json!({
            "kind": load.kind.as_str(), "mode": load.mode.as_str(), "file_sha256": load.file_sha256,
            "accepted": load.accepted, "rejected": load.rejected, "added": load.added, "removed": load.removed,
            "total": load.total,
        });
        let at: jiff::Timestamp =
            self.loaded_at.parse().map_err(|e: jiff::Error| StoreError::Corrupt(e.to_string()))?;
        crate::audit::record(&mut self.tx, Actor::Cli, "register_load", &load.id, detail, at).await?;
        self.tx.commit().await?;
        Ok(load)
    }
}
