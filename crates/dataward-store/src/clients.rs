//! Clients (recipient organisations): registration with contracted purposes, lookup by key.

use dataward_core::audit::Actor;
use dataward_core::taxonomy::Purpose;
use jiff::Timestamp;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::api_keys::{self, IssuedKey, KeyOwner};
use crate::row::Cols;
use crate::sql::Val;
use crate::store::new_id;
use crate::{Store, StoreError};

/// A registered client and the purposes its contract covers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub purposes: Vec<Purpose>,
    pub status: String,
    pub created_at: String,
    /// The most persons one selection extract may return (the contracted volume).
    pub extract_limit: i64,
    /// Where its Art. 19 notices go (see [`Store::set_client_notify`]).
    pub notify_email: Option<String>,
    pub notify_webhook: Option<String>,
}

/// The contracted volume of a client registered without one.
pub const DEFAULT_EXTRACT_LIMIT: i64 = 10_000;

const COLUMNS: &str = "id, name, purposes, status, created_at, extract_limit, notify_email, notify_webhook";

fn from_row(row: &dyn Cols) -> Result<Client, StoreError> {
    let purposes = row
        .text("purposes")?
        .split_whitespace()
        .map(|p| Purpose::parse(p).ok_or_else(|| StoreError::Corrupt(format!("unknown purpose `{p}` on a client"))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Client {
        id: row.text("id")?,
        name: row.text("name")?,
        purposes,
        status: row.text("status")?,
        created_at: row.text("created_at")?,
        extract_limit: row.int("extract_limit")?,
        notify_email: row.opt_text("notify_email")?,
        notify_webhook: row.opt_text("notify_webhook")?,
    })
}

/// [`from_row`] of a row fetched through sqlx.
fn from_any(row: &AnyRow) -> Result<Client, StoreError> {
    from_row(row)
}

impl Store {
    /// Registers a client with its contracted purposes and issues its API key (shown once).
    pub async fn add_client(
        &self,
        name: &str,
        purposes: &[Purpose],
        now: Timestamp,
    ) -> Result<(Client, IssuedKey), StoreError> {
        let key = api_keys::issue(KeyOwner::Client);
        let mut tx = self.begin_write().await?;
        let client = Client {
            id: new_id(),
            name: name.to_string(),
            purposes: purposes.to_vec(),
            status: "active".into(),
            created_at: now.to_string(),
            extract_limit: DEFAULT_EXTRACT_LIMIT,
            notify_email: None,
            notify_webhook: None,
        };
        let purpose_list = purposes.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" ");
        sqlx::query(
            "INSERT INTO clients (id, name, purposes, status, key_prefix, key_hash, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&client.id)
        .bind(&client.name)
        .bind(purpose_list)
        .bind(&client.status)
        .bind(&key.prefix)
        .bind(&key.hash)
        .bind(&client.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| StoreError::on_unique(e, "client", name))?;
        let detail = serde_json::json!({ "purposes": purposes.iter().map(|p| p.as_str()).collect::<Vec<_>>() });
        crate::audit::record(&mut tx, Actor::Cli, "client_add", &client.id, detail, now).await?;
        tx.commit().await?;
        Ok((client, key))
    }

    /// Sets the most persons one selection extract of the client may return.
    pub async fn set_client_extract_limit(&self, name: &str, limit: i64) -> Result<Client, StoreError> {
        sqlx::query("UPDATE clients SET extract_limit = $1 WHERE name = $2")
            .bind(limit)
            .bind(name)
            .execute(&self.pool)
            .await?;
        self.client_by_name(name).await
    }

    /// A client by id.
    pub async fn client_by_id(&self, id: &str) -> Result<Option<Client>, StoreError> {
        // On every client call (authentication), so it reads in place (`direct`).
        let sql = format!("SELECT {COLUMNS} FROM clients WHERE id = $1");
        Ok(self.read_rows(&sql, &[Val::Text(id.to_string())], from_row).await?.pop())
    }

    /// Every client, by name.
    pub async fn list_clients(&self) -> Result<Vec<Client>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM clients ORDER BY name")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_any).collect()
    }

    /// One client by name.
    pub async fn client_by_name(&self, name: &str) -> Result<Client, StoreError> {
        let row = self.row_by_name("clients", COLUMNS, name).await?;
        match row {
            Some(row) => from_any(&row),
            None => Err(StoreError::NotFound { what: "client", name: name.to_string() }),
        }
    }

    /// The client a presented API key belongs to, if the key is genuine.
    pub async fn client_by_key(&self, presented: &str) -> Result<Option<Client>, StoreError> {
        self.row_by_key("clients", COLUMNS, KeyOwner::Client, presented).await?.as_ref().map(from_any).transpose()
    }
}

/// A client that received data about a person, and where it wants rights notices (Art. 19).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecipientClient {
    pub client_id: String,
    pub client: String,
    /// The client's address for data-protection notices (a business contact).
    pub notify_email: Option<String>,
    /// Where its notices may also be posted (JSON over HTTPS).
    pub notify_webhook: Option<String>,
    /// The categories it received.
    pub categories: Vec<String>,
    /// The client's own request ids (its `x-request-id`s) that received them: what lets the
    /// client find its copy without the notice carrying any personal data.
    pub request_ids: Vec<String>,
}

impl Store {
    /// Sets where a client's data-protection notices go (Art. 19): a business email address, an
    /// HTTPS webhook, both or neither. `None` clears one.
    pub async fn set_client_notify(
        &self,
        name: &str,
        email: Option<&str>,
        webhook: Option<&str>,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let client = self.client_by_name(name).await?;
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE clients SET notify_email = $1, notify_webhook = $2 WHERE id = $3")
            .bind(email)
            .bind(webhook)
            .bind(&client.id)
            .execute(&mut *tx)
            .await?;
        let detail = serde_json::json!({ "email": email.is_some(), "webhook": webhook.is_some() });
        crate::audit::record(&mut tx, Actor::Cli, "client_notify", &client.id, detail, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every client the ledger shows received data about these persons (by person, or by any
    /// of their current source records, so disclosures made before a merge count too).
    pub async fn recipients_of(&self, person_ids: &[String]) -> Result<Vec<RecipientClient>, StoreError> {
        let mut found: std::collections::BTreeMap<String, RecipientClient> = Default::default();
        for person in person_ids {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT DISTINCT c.id, c.name, c.notify_email, c.notify_webhook, d.category, d.request_id
                 FROM disclosures d JOIN clients c ON c.id = d.client_id
                 WHERE {} OR d.source_record_id IN (SELECT id FROM source_records WHERE person_id = $1)
                 ORDER BY c.name, d.category, d.request_id",
                crate::release::disclosures_about_person("$1")
            )))
            .bind(person)
            .fetch_all(&self.pool)
            .await?;
            for r in rows {
                let id: String = r.try_get("id")?;
                let entry = found.entry(id.clone()).or_insert(RecipientClient {
                    client_id: id,
                    client: r.try_get("name")?,
                    notify_email: r.try_get("notify_email")?,
                    notify_webhook: r.try_get("notify_webhook")?,
                    categories: vec![],
                    request_ids: vec![],
                });
                let category: String = r.try_get("category")?;
                if !entry.categories.contains(&category) {
                    entry.categories.push(category);
                }
                let request: String = r.try_get("request_id")?;
                if !entry.request_ids.contains(&request) {
                    entry.request_ids.push(request);
                }
            }
        }
        Ok(found.into_values().collect())
    }
}
