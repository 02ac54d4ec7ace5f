//! Breach incidents: recorded with what was exposed and when it was detected (the 72-hour clock
//! runs from then), closed with whether the ICO was told; and the exposed values of an incident,
//! found from the provenance (a partner's batch) or the disclosure ledger (a client's extracts, a
//! time window) — persons, categories and parties, never a value.

use dataward_core::breach::assessment::ExposedValue;
use dataward_core::breach::exposure::Exposure;
use dataward_core::breach::{BreachError, check_opening};
use dataward_core::taxonomy::Category;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::lifecycle::audit_hook::lifecycle_audit;
use crate::store::new_id;
use crate::{Store, StoreError};

/// An incident to record.
#[derive(Debug, Clone)]
pub struct NewBreach {
    pub exposure: Exposure,
    /// Empty: every category.
    pub categories: Vec<Category>,
    /// What happened. Operators describe the incident, not the people in it.
    pub description: String,
    pub detected_at: Timestamp,
}

/// An incident as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breach {
    pub id: String,
    pub exposure: String,
    pub categories: Vec<String>,
    pub description: String,
    pub detected_at: String,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub reported_to_ico: Option<bool>,
    pub close_note: Option<String>,
}

impl Breach {
    /// The exposure, parsed back.
    pub fn exposure(&self) -> Result<Exposure, StoreError> {
        Exposure::parse(&self.exposure).map_err(|e| StoreError::Corrupt(e.to_string()))
    }
    /// The categories, parsed back.
    pub fn category_list(&self) -> Result<Vec<Category>, StoreError> {
        dataward_core::breach::exposure::parse_categories(&self.categories.join(","))
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    }
    fn time(text: &str) -> Result<Timestamp, StoreError> {
        text.parse().map_err(|e| StoreError::Corrupt(format!("breach time `{text}`: {e}")))
    }
    pub fn detected(&self) -> Result<Timestamp, StoreError> {
        Self::time(&self.detected_at)
    }
    pub fn closed(&self) -> Result<Option<Timestamp>, StoreError> {
        self.closed_at.as_deref().map(Self::time).transpose()
    }
}

fn from_row(r: &AnyRow) -> Result<Breach, StoreError> {
    let categories: String = r.try_get("categories")?;
    Ok(Breach {
        id: r.try_get("id")?,
        exposure: r.try_get("exposure")?,
        categories: categories.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect(),
        description: r.try_get("description")?,
        detected_at: r.try_get("detected_at")?,
        opened_at: r.try_get("opened_at")?,
        closed_at: r.try_get("closed_at")?,
        reported_to_ico: r.try_get::<Option<i64>, _>("reported_to_ico")?.map(|v| v != 0),
        close_note: r.try_get("close_note")?,
    })
}

fn refused(e: BreachError) -> StoreError {
    StoreError::Invalid(e.to_string())
}

impl Store {
    /// Records an incident; its 72-hour clock runs from `detected_at`. The batch or client it
    /// names must exist.
    pub async fn open_breach(
        &self,
        new: &NewBreach,
        now: Timestamp,
        actor: dataward_core::audit::Actor,
    ) -> Result<Breach, StoreError> {
        let description = check_opening(&new.description, new.detected_at, now).map_err(refused)?;
        match &new.exposure {
            Exposure::PartnerBatch { batch_id } => {
                let found: Option<(String,)> = sqlx::query_as("SELECT id FROM batches WHERE id = $1")
                    .bind(batch_id)
                    .fetch_optional(&self.pool)
                    .await?;
                if found.is_none() {
                    return Err(StoreError::NotFound { what: "batch", name: batch_id.clone() });
                }
            }
            Exposure::ClientExtracts { client } => {
                self.client_by_name(client).await?;
            }
            Exposure::Window { .. } => {}
        }
        let id = new_id();
        let categories: Vec<&str> = new.categories.iter().map(|c| c.as_str()).collect();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO breach_incidents (id, exposure, categories, description, detected_at, opened_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(new.exposure.to_string())
        .bind(categories.join(","))
        .bind(&description)
        .bind(new.detected_at.to_string())
        .bind(now.to_string())
        .execute(&mut *tx)
        .await?;
        let detail = json!({ "breach": id, "exposure": new.exposure.to_string() });
        lifecycle_audit(&mut tx, actor, "breach_open", detail, now).await?;
        tx.commit().await?;
        self.breach(&id).await
    }

    /// One incident.
    pub async fn breach(&self, id: &str) -> Result<Breach, StoreError> {
        let row =
            sqlx::query("SELECT * FROM breach_incidents WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        match row {
            Some(r) => from_row(&r),
            None => Err(StoreError::NotFound { what: "breach", name: id.to_string() }),
        }
    }

    /// Every incident, newest first.
    pub async fn list_breaches(&self) -> Result<Vec<Breach>, StoreError> {
        let rows = sqlx::query("SELECT * FROM breach_incidents ORDER BY opened_at DESC, id DESC")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Closes an incident, saying whether it was reported to the ICO and why.
    pub async fn close_breach(
        &self,
        id: &str,
        reported_to_ico: bool,
        note: &str,
        now: Timestamp,
        actor: dataward_core::audit::Actor,
    ) -> Result<Breach, StoreError> {
        let note = note.trim();
        if note.is_empty() {
            return Err(StoreError::Invalid(
                "closing a breach needs a note (why it was or was not reported to the ICO)".into(),
            ));
        }
        let breach = self.breach(id).await?;
        if let Some(at) = &breach.closed_at {
            return Err(StoreError::Conflict(format!("breach {id} was already closed at {at}")));
        }
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE breach_incidents SET closed_at = $1, reported_to_ico = $2, close_note = $3
             WHERE id = $4 AND closed_at IS NULL",
        )
        .bind(now.to_string())
        .bind(i64::from(reported_to_ico))
        .bind(note)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        let detail = json!({ "breach": id, "reported_to_ico": reported_to_ico });
        lifecycle_audit(&mut tx, actor, "breach_close", detail, now).await?;
        tx.commit().await?;
        self.breach(id).await
    }

    /// The values an exposure concerns: a batch's values still held and the releases of them;
    /// or the values released to a client, or to anyone in a window (from the ledger).
    pub async fn exposed_values(&self, exposure: &Exposure) -> Result<Vec<ExposedValue>, StoreError> {
        const LEDGER: &str = "SELECT d.person_id, d.category, p.name AS partner, c.name AS client, pe.id AS held
             FROM disclosures d JOIN partners p ON p.id = d.partner_id JOIN clients c ON c.id = d.client_id
             LEFT JOIN persons pe ON pe.id = d.person_id
             WHERE d.disclosure = 'value'";
        let rows = match exposure {
            Exposure::PartnerBatch { batch_id } => {
                let mut rows = sqlx::query(
                    "SELECT v.person_id, v.category, p.name AS partner, CAST(NULL AS TEXT) AS client, v.person_id AS held
                     FROM record_values v JOIN source_records s ON s.id = v.source_record_id
                     JOIN partners p ON p.id = s.partner_id WHERE s.batch_id = $1",
                )
                .bind(batch_id)
                .fetch_all(&self.pool)
                .await?;
                let released =
                    format!("{LEDGER} AND d.source_record_id IN (SELECT id FROM source_records WHERE batch_id = $1)");
                rows.extend(sqlx::query(sqlx::AssertSqlSafe(released)).bind(batch_id).fetch_all(&self.pool).await?);
                rows
            }
            Exposure::ClientExtracts { client } => {
                let client = self.client_by_name(client).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "{LEDGER} AND {}",
                    crate::release::disclosures_to_client("$1")
                )))
                .bind(&client.id)
                .fetch_all(&self.pool)
                .await?
            }
            Exposure::Window { from, to } => {
                sqlx::query(sqlx::AssertSqlSafe(format!("{LEDGER} AND d.at >= $1 AND d.at <= $2")))
                    .bind(from.to_string())
                    .bind(to.to_string())
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter()
            .map(|r| {
                Ok(ExposedValue {
                    person_id: r.try_get("person_id")?,
                    category: r.try_get("category")?,
                    partner: r.try_get("partner")?,
                    client: r.try_get("client")?,
                    person_held: r.try_get::<Option<String>, _>("held")?.is_some(),
                })
            })
            .collect()
    }
}
