//! The data operator's read-only pages: partners, batches, a batch's quarantine (line, field,
//! reason and a value-free detail — never the row itself).

use axum::extract::{Path, Query, State};
use axum::response::Html;
use minijinja::context;
use minijinja::value::Serde;
use serde::{Deserialize, Serialize};

use super::page::page;
use super::session::StaffSession;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Serialize)]
struct PartnerRow {
    name: String,
    channel: &'static str,
    status: &'static str,
    retention_days: u32,
    records: i64,
    created_at: String,
}

/// `GET /console/partners`.
pub async fn list_partners(State(state): State<AppState>, session: StaffSession) -> Result<Html<String>, AppError> {
    let mut rows = Vec::new();
    for partner in state.store.list_partners().await? {
        let records = state.store.partner_record_count(&partner.id).await?;
        rows.push(PartnerRow {
            name: partner.name,
            channel: partner.channel.as_str(),
            status: partner.status.as_str(),
            retention_days: partner.retention_days,
            records,
            created_at: partner.created_at,
        });
    }
    page(&session, "console/partners.html", context! { partners => Serde(rows) })
}

/// The query of the batches page.
#[derive(Debug, Deserialize)]
pub struct BatchesQuery {
    partner: Option<String>,
}

/// `GET /console/batches[?partner=NAME]`.
pub async fn list_batches(
    State(state): State<AppState>,
    session: StaffSession,
    Query(query): Query<BatchesQuery>,
) -> Result<Html<String>, AppError> {
    let partner = match query.partner.as_deref().filter(|p| !p.is_empty()) {
        Some(name) => Some(
            state
                .store
                .partner_by_name(name)
                .await
                .map_err(|_| AppError::NotFound(format!("no partner named `{name}`")))?,
        ),
        None => None,
    };
    let batches = state.store.batches(partner.as_ref().map(|p| p.id.as_str())).await?;
    page(&session, "console/batches.html", context! { batches => Serde(batches), partner => partner.map(|p| p.name) })
}

/// `GET /console/batches/{id}/quarantine`.
pub async fn show_quarantine(
    State(state): State<AppState>,
    session: StaffSession,
    Path(batch_id): Path<String>,
) -> Result<Html<String>, AppError> {
    let known = state.store.batches(None).await?.iter().any(|b| b.id == batch_id);
    if !known {
        return Err(AppError::NotFound("no batch with this id".to_string()));
    }
    let entries = state.store.quarantine(&batch_id).await?;
    page(&session, "console/quarantine.html", context! { batch_id => batch_id, entries => Serde(entries) })
}
