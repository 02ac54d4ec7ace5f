//! Source partners: registration, listing, lookup by name or API key.

use dataward_core::audit::Actor;
use dataward_core::partner::{Channel, PartnerStatus};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::api_keys::{self, IssuedKey, KeyOwner};
use crate::store::new_id;
use crate::{Store, StoreError};

/// A registered source partner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partner {
    pub id: String,
    pub name: String,
    pub channel: Channel,
    pub retention_days: u32,
    pub status: PartnerStatus,
    pub created_at: String,
    pub withdrawn_at: Option<String>,
    /// Why the partner was withdrawn, as the operator said.
    pub withdrawal_reason: Option<String>,
    /// When the partner's last records were purged after its rights-only hold.
    pub purged_at: Option<String>,
}

/// What is needed to register a partner.
#[derive(Debug, Clone)]
pub struct NewPartner {
    pub name: String,
    pub channel: Channel,
    pub retention_days: u32,
}

const COLUMNS: &str =
    "id, name, channel, retention_days, status, created_at, withdrawn_at, withdrawal_reason, purged_at";

fn from_row(row: &AnyRow) -> Result<Partner, StoreError> {
    let channel: String = row.try_get("channel")?;
    let status: String = row.try_get("status")?;
    Ok(Partner {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        channel: Channel::parse(&channel).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        retention_days: u32::try_from(row.try_get::<i64, _>("retention_days")?).unwrap_or(0),
        status: PartnerStatus::parse(&status).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        created_at: row.try_get("created_at")?,
        withdrawn_at: row.try_get("withdrawn_at")?,
        withdrawal_reason: row.try_get("withdrawal_reason")?,
        purged_at: row.try_get("purged_at")?,
    })
}

impl Store {
    /// Registers a partner and issues its API key (returned once, stored only as a hash).
    pub async fn add_partner(&self, new: &NewPartner, now: Timestamp) -> Result<(Partner, IssuedKey), StoreError> {
        let key = api_keys::issue(KeyOwner::Partner);
        let mut tx = self.begin_write().await?;
        let partner = Partner {
            id: new_id(),
            name: new.name.clone(),
            channel: new.channel,
            retention_days: new.retention_days,
            status: PartnerStatus::Active,
            created_at: now.to_string(),
            withdrawn_at: None,
            withdrawal_reason: None,
            purged_at: None,
        };
        sqlx::query(
            "INSERT INTO partners (id, name, channel, retention_days, status, key_prefix, key_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&partner.id)
        .bind(&partner.name)
        .bind(partner.channel.as_str())
        .bind(i64::from(partner.retention_days))
        .bind(partner.status.as_str())
        .bind(&key.prefix)
        .bind(&key.hash)
        .bind(&partner.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "partner", &new.name))?;
        let detail =
            serde_json::json!({ "channel": partner.channel.as_str(), "retention_days": partner.retention_days });
        crate::audit::record(&mut tx, Actor::Cli, "partner_add", &partner.id, detail, now).await?;
        tx.commit().await?;
        Ok((partner, key))
    }

    /// Every partner, by name.
    pub async fn list_partners(&self) -> Result<Vec<Partner>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM partners ORDER BY name")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// One partner by name.
    pub async fn partner_by_name(&self, name: &str) -> Result<Partner, StoreError> {
        let row = self.row_by_name("partners", COLUMNS, name).await?;
        match row {
            Some(row) => from_row(&row),
            None => Err(StoreError::NotFound { what: "partner", name: name.to_string() }),
        }
    }

    /// The partner a presented API key belongs to, if the key is genuine.
    pub async fn partner_by_key(&self, presented: &str) -> Result<Option<Partner>, StoreError> {
        self.row_by_key("partners", COLUMNS, KeyOwner::Partner, presented).await?.as_ref().map(from_row).transpose()
    }
}
