//! Purges: every record past its partner's retention, and every record of a withdrawn partner
//! whose rights-only hold has ended, unless a legal hold keeps it. One transaction: a dry run
//! plans and rolls back, an applied purge removes everything it planned (and the quarantined
//! rows of the same partners past the same dates) and records the run, or nothing at all.

use std::collections::{BTreeMap, HashMap};

use dataward_core::lifecycle::report::{PurgeReport, PurgeTally};
use dataward_core::lifecycle::retention::{
    Fate, PartnerTerms, PurgeReason, fate, purge_reason, retention_cutoff, retention_start, withdrawal_hold_ends,
};
use dataward_core::partner::PartnerStatus;
use dataward_core::profile::LinkageThresholds;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, AssertSqlSafe, Row};

use super::audit_hook::lifecycle_audit;
use super::removal::{Removal, remove_records};
use crate::linkage::model::ensure_on;
use crate::partners::Partner;
use crate::sql::placeholder_list;
use crate::store::new_id;
use crate::{Store, StoreError};

/// What a purge runs against.
#[derive(Debug, Clone)]
pub struct PurgeRequest {
    pub now: Timestamp,
    /// The UK civil date of `now` (retention is counted in days).
    pub today: Date,
    /// The profile's `departed_partner_hold_days`.
    pub hold_days: u32,
    /// The profile's linkage thresholds (for splitting persons a removed record held together).
    pub thresholds: LinkageThresholds,
    /// `false`: plan and report only.
    pub apply: bool,
    /// Who the audit log names (the scheduled job or the operator).
    pub actor: dataward_core::audit::Actor,
}

/// A record due for purging.
struct Due {
    record: String,
    person: String,
    partner: usize,
    reason: PurgeReason,
}

/// An applied purge as recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PurgeRun {
    pub id: String,
    pub at: String,
    pub records: i64,
    pub values_removed: i64,
    pub persons_removed: i64,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

fn terms_of(p: &Partner) -> Result<PartnerTerms, StoreError> {
    Ok(PartnerTerms {
        status: p.status,
        withdrawn_at: p
            .withdrawn_at
            .as_deref()
            .map(str::parse::<Timestamp>)
            .transpose()
            .map_err(|e| corrupt("withdrawn_at", e))?,
        retention_days: p.retention_days,
    })
}

/// The records of one partner that may be due: all of them once a withdrawal hold is over,
/// else those whose retention started on or before the cutoff (checked again in Rust).
async fn due_records(
    conn: &mut AnyConnection,
    partner: &Partner,
    index: usize,
    req: &PurgeRequest,
    hold_days: u32,
) -> Result<Vec<Due>, StoreError> {
    let terms = terms_of(partner)?;
    let cutoff = retention_cutoff(req.today, terms.retention_days);
    let hold_over = terms.status == PartnerStatus::Withdrawn
        && terms.withdrawn_at.is_some_and(|at| req.now >= withdrawal_hold_ends(at, hold_days));
    let sql = if hold_over {
        "SELECT id, person_id, collected_on, received_at FROM source_records WHERE partner_id = $1"
    } else {
        "SELECT id, person_id, collected_on, received_at FROM source_records
         WHERE partner_id = $1 AND COALESCE(collected_on, substr(received_at, 1, 10)) <= $2"
    };
    let mut q = sqlx::query(sql).bind(&partner.id);
    if !hold_over {
        q = q.bind(cutoff.to_string());
    }
    let mut due = Vec::new();
    for row in q.fetch_all(&mut *conn).await? {
        let collected: Option<String> = row.try_get("collected_on")?;
        let collected: Option<Date> =
            collected.as_deref().map(str::parse::<Date>).transpose().map_err(|e| corrupt("collected_on", e))?;
        let received: String = row.try_get("received_at")?;
        let received: Timestamp = received.parse().map_err(|e| corrupt("received_at", e))?;
        let start = retention_start(collected, received);
        if let Some(reason) = purge_reason(&terms, start, hold_days, req.now, req.today) {
            due.push(Due { record: row.try_get("id")?, person: row.try_get("person_id")?, partner: index, reason });
        }
    }
    Ok(due)
}

/// The categories of each record's values.
async fn categories_of(
    conn: &mut AnyConnection,
    store: &Store,
    records: &[&str],
) -> Result<HashMap<String, Vec<String>>, StoreError> {
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for chunk in records.chunks(1_000) {
        let sql = format!(
            "SELECT source_record_id, category FROM record_values WHERE source_record_id IN ({})",
            placeholder_list(store.backend, 1, chunk.len())
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for r in chunk {
            q = q.bind(r.to_string());
        }
        for row in q.fetch_all(&mut *conn).await? {
            out.entry(row.try_get("source_record_id")?).or_default().push(row.try_get("category")?);
        }
    }
    Ok(out)
}

/// Persons every one of whose records is in `purged` (they go with their last record).
async fn persons_emptied(conn: &mut AnyConnection, store: &Store, purged: &[&Due]) -> Result<u64, StoreError> {
    let mut per_person: BTreeMap<&str, i64> = BTreeMap::new();
    for d in purged {
        *per_person.entry(d.person.as_str()).or_default() += 1;
    }
    let persons: Vec<&str> = per_person.keys().copied().collect();
    let mut emptied = 0;
    for chunk in persons.chunks(1_000) {
        let sql = format!(
            "SELECT person_id, COUNT(*) AS n FROM source_records WHERE person_id IN ({}) GROUP BY person_id",
            placeholder_list(store.backend, 1, chunk.len())
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for p in chunk {
            q = q.bind(p.to_string());
        }
        for row in q.fetch_all(&mut *conn).await? {
            let person: String = row.try_get("person_id")?;
            let n: i64 = row.try_get("n")?;
            emptied += u64::from(per_person.get(person.as_str()) == Some(&n));
        }
    }
    Ok(emptied)
}

impl Store {
    /// Plans a purge at `req.now` and, with `req.apply`, carries it out atomically.
    pub async fn purge(&self, req: &PurgeRequest) -> Result<PurgeReport, StoreError> {
        let partners = self.list_partners().await?;
        let holds = self.active_holds().await?;
        let mut tx = self.begin_write().await?;
        let mut due = Vec::new();
        for (i, p) in partners.iter().enumerate() {
            due.extend(due_records(&mut tx, p, i, req, req.hold_days).await?);
        }
        let mut tally = PurgeTally::default();
        let mut purged: Vec<&Due> = Vec::new();
        for d in &due {
            let partner = &partners[d.partner];
            match fate(Some(d.reason), holds.covers(&d.person, &partner.id)) {
                Fate::Purge(_) => purged.push(d),
                Fate::HeldBack(reason) => tally.held_back(&partner.name, reason),
                Fate::Keep => {}
            }
        }
        let ids: Vec<&str> = purged.iter().map(|d| d.record.as_str()).collect();
        let categories = categories_of(&mut tx, self, &ids).await?;
        for d in &purged {
            let cats = categories.get(&d.record).map(Vec::as_slice).unwrap_or_default();
            tally.purge(&partners[d.partner].name, d.reason, cats.iter().map(String::as_str));
        }
        let at = req.now.to_string();
        if !req.apply {
            let emptied = persons_emptied(&mut tx, self, &purged).await?;
            tx.rollback().await?;
            return Ok(tally.finish(at, false, emptied));
        }
        let active = ensure_on(&mut tx, self, req.now).await?;
        let model = active.model();
        let removal = Removal {
            backend: self.backend,
            store: self,
            model: &model,
            thresholds: &req.thresholds,
            at: &at,
            cause: json!({ "purge": true }),
        };
        let records: Vec<(String, String)> = purged.iter().map(|d| (d.record.clone(), d.person.clone())).collect();
        let emptied = remove_records(&mut tx, &removal, &records).await?;
        self.purge_quarantine(&mut tx, &partners, req, &holds).await?;
        let report = tally.finish(at.clone(), true, emptied);
        if !report.is_empty() {
            let id = new_id();
            sqlx::query(
                "INSERT INTO purge_runs (id, at, records, values_removed, persons_removed, report)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(&at)
            .bind(report.records as i64)
            .bind(report.values as i64)
            .bind(report.persons_removed as i64)
            .bind(serde_json::to_string(&report).map_err(|e| corrupt("purge report", e))?)
            .execute(&mut *tx)
            .await?;
        }
        if !report.is_empty() {
            let by_partner: Vec<_> = report
                .partners
                .iter()
                .map(|p| json!({ "partner": p.partner, "reason": p.reason, "records": p.records }))
                .collect();
            lifecycle_audit(
                &mut tx,
                req.actor.clone(),
                "purge_apply",
                json!({ "records": report.records, "values": report.values, "persons": report.persons_removed, "partners": by_partner }),
                req.now,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(report)
    }

    /// Quarantined rows (raw rows through the codec) go with their partner: all of a withdrawn
    /// partner's once its hold is over, and otherwise those of batches received on or before the
    /// retention cutoff. Withdrawn partners left with no record are marked purged.
    async fn purge_quarantine(
        &self,
        conn: &mut AnyConnection,
        partners: &[Partner],
        req: &PurgeRequest,
        holds: &dataward_core::lifecycle::hold::ActiveHolds,
    ) -> Result<(), StoreError> {
        for p in partners {
            if holds.covers_partner(&p.id) {
                continue;
            }
            let terms = terms_of(p)?;
            let hold_over = terms.status == PartnerStatus::Withdrawn
                && terms.withdrawn_at.is_some_and(|at| req.now >= withdrawal_hold_ends(at, req.hold_days));
            let cutoff = if hold_over {
                "9999-12-31".to_string()
            } else {
                retention_cutoff(req.today, p.retention_days).to_string()
            };
            sqlx::query(
                "DELETE FROM quarantine WHERE batch_id IN
                 (SELECT id FROM batches WHERE partner_id = $1 AND substr(received_at, 1, 10) <= $2)",
            )
            .bind(&p.id)
            .bind(cutoff)
            .execute(&mut *conn)
            .await?;
            if hold_over && p.purged_at.is_none() {
                sqlx::query(
                    "UPDATE partners SET purged_at = $1 WHERE id = $2
                     AND NOT EXISTS (SELECT 1 FROM source_records WHERE partner_id = $2)",
                )
                .bind(req.now.to_string())
                .bind(&p.id)
                .execute(&mut *conn)
                .await?;
            }
        }
        Ok(())
    }

    /// Applied purges, newest first.
    pub async fn purge_runs(&self) -> Result<Vec<PurgeRun>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, records, values_removed, persons_removed FROM purge_runs ORDER BY at DESC, id DESC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PurgeRun {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    records: r.try_get("records")?,
                    values_removed: r.try_get("values_removed")?,
                    persons_removed: r.try_get("persons_removed")?,
                })
            })
            .collect()
    }
}
