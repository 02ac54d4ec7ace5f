//! The partner API: a partner uploads its files with its key and reads back its batches and their
//! quarantine.
//!
//! - `POST /v1/partner/files?mode=append|refresh`: the body is the raw file (CSV or JSON Lines),
//!   streamed to a temporary file and loaded as one atomic batch. 201 with the load's summary.
//! - `GET /v1/partner/batches`: this partner's batches, newest first.
//! - `GET /v1/partner/batches/{id}/quarantine`: why each rejected row of one of this partner's
//!   batches was rejected (line, field, reason, detail; never the row itself).

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use dataward_core::columns::Mapping;
use dataward_core::partner::IngestMode;
use dataward_ingest::{Format, IngestRequest, IngestSummary, ingest_file};
use dataward_store::reads::{BatchRecord, QuarantineEntry};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::AuthenticatedPartner;
use crate::config::ServerConfig;
use crate::error::{AppError, Problem};
use crate::spool::spool;
use crate::state::AppState;

/// The header naming the uploaded file (its extension is used when the media type is generic).
pub const FILE_NAME_HEADER: &str = "x-file-name";

/// The longest file name accepted in `X-File-Name`.
const MAX_FILE_NAME: usize = 255;

/// The routes of this module.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/partner/files", post(upload))
        .route("/v1/partner/batches", get(list_batches))
        .route("/v1/partner/batches/{id}/quarantine", get(batch_quarantine))
}

/// How an upload relates to what the partner sent before.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UploadMode {
    /// The file is the partner's complete current data: its earlier records absent from it are removed.
    Refresh,
    /// The file adds to the records the partner already supplied.
    #[default]
    Append,
}

impl From<UploadMode> for IngestMode {
    fn from(mode: UploadMode) -> Self {
        match mode {
            UploadMode::Refresh => IngestMode::Refresh,
            UploadMode::Append => IngestMode::Append,
        }
    }
}

/// The query of `POST /v1/partner/files`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// `append` (the default) or `refresh`.
    pub mode: Option<UploadMode>,
}

/// What a load did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UploadSummary {
    pub batch_id: String,
    /// The partner's name.
    pub partner: String,
    /// SHA-256 of the file as received, in hex.
    pub file_sha256: String,
    pub rows_read: u64,
    pub accepted: u64,
    pub quarantined: u64,
    /// Quarantined rows by reason code (e.g. `invalid_postcode`).
    pub quarantined_by_reason: BTreeMap<String, u64>,
    pub new_persons: u64,
    pub known_records: u64,
    /// Earlier records of the partner removed by a refresh.
    pub removed_records: u64,
    /// Columns not recognised, and so not kept.
    pub unknown_columns: Vec<String>,
    pub ignored_columns: Vec<String>,
}

impl From<IngestSummary> for UploadSummary {
    fn from(s: IngestSummary) -> Self {
        UploadSummary {
            batch_id: s.batch_id,
            partner: s.partner,
            file_sha256: s.file_sha256,
            rows_read: s.rows_read,
            accepted: s.accepted,
            quarantined: s.quarantined,
            quarantined_by_reason: s.quarantined_by_reason,
            new_persons: s.new_persons,
            known_records: s.known_records,
            removed_records: s.removed_records,
            unknown_columns: s.unknown_columns,
            ignored_columns: s.ignored_columns,
        }
    }
}

/// One batch (one loaded file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Batch {
    pub id: String,
    pub partner: String,
    pub file_name: String,
    pub file_sha256: String,
    /// `append` or `refresh`.
    pub mode: String,
    pub received_at: String,
    pub rows_read: i64,
    pub rows_accepted: i64,
    pub rows_quarantined: i64,
    pub new_persons: i64,
    pub known_persons: i64,
    pub removed_records: i64,
}

impl From<BatchRecord> for Batch {
    fn from(b: BatchRecord) -> Self {
        Batch {
            id: b.id,
            partner: b.partner,
            file_name: b.file_name,
            file_sha256: b.file_sha256,
            mode: b.mode,
            received_at: b.received_at,
            rows_read: b.rows_read,
            rows_accepted: b.rows_accepted,
            rows_quarantined: b.rows_quarantined,
            new_persons: b.new_persons,
            known_persons: b.known_persons,
            removed_records: b.removed_records,
        }
    }
}

/// The answer of `GET /v1/partner/batches`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BatchList {
    /// Newest first.
    pub batches: Vec<Batch>,
}

/// Why one row was quarantined. The row itself is never returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QuarantinedRow {
    /// The physical line of the file (the CSV header is line 1).
    pub line: i64,
    /// The field at fault, if one is.
    pub field: Option<String>,
    /// The reason code, e.g. `invalid_postcode`.
    pub reason: String,
    /// A short explanation that never repeats the value.
    pub detail: String,
}

impl From<QuarantineEntry> for QuarantinedRow {
    fn from(q: QuarantineEntry) -> Self {
        QuarantinedRow { line: q.line, field: q.field, reason: q.reason, detail: q.detail }
    }
}

/// The answer of `GET /v1/partner/batches/{id}/quarantine`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct QuarantineReport {
    pub batch_id: String,
    /// By line.
    pub rows: Vec<QuarantinedRow>,
}

/// Upload a partner file.
///
/// The body is the raw file. Its format comes from `Content-Type` (`text/csv`,
/// `application/x-ndjson`) or else from the extension of `X-File-Name` (`.csv`, `.jsonl`,
/// `.ndjson`). The whole file is loaded as one batch, or nothing is stored.
#[utoipa::path(
    post,
    path = "/v1/partner/files",
    tag = "partner",
    params(
        UploadParams,
        ("X-File-Name" = Option<String>, Header, description = "The file's name; its extension gives the format when Content-Type does not"),
    ),
    request_body(
        description = "The raw partner file",
        content(
            (String = "text/csv"),
            (String = "application/x-ndjson"),
        ),
    ),
    responses(
        (status = 201, description = "The file was loaded as one batch", body = UploadSummary),
        (status = 400, description = "Invalid request or unreadable file", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid partner key", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The partner is withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is larger than the server accepts", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The file's format is not recognised", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A column is forbidden or unusable, or the file is empty; nothing was stored", body = Problem, content_type = "application/problem+json"),
        (status = 500, description = "Internal error; nothing was stored", body = Problem, content_type = "application/problem+json"),
    ),
    security(("partner_key" = []))
)]
pub(crate) async fn upload(
    AuthenticatedPartner(partner): AuthenticatedPartner,
    State(state): State<AppState>,
    config: Option<Extension<Arc<ServerConfig>>>,
    params: Result<Query<UploadParams>, QueryRejection>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<UploadSummary>), AppError> {
    let Query(params) = params.map_err(|e| AppError::InvalidRequest(e.body_text()))?;
    let config = config.map(|Extension(c)| c).unwrap_or_default();
    let (format, file_name) = format_and_name(&headers)?;
    let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > config.max_upload_bytes) {
        return Err(AppError::PayloadTooLarge { limit: config.max_upload_bytes });
    }
    let spooled = spool(body, config.max_upload_bytes, config.upload_dir.as_deref()).await?;
    if spooled.bytes == 0 {
        return Err(AppError::EmptyFile("the request body is empty; nothing was stored".to_string()));
    }
    let now = state.clock.now();
    let request = IngestRequest {
        actor: dataward_core::audit::Actor::Partner(partner.id.clone()),
        partner,
        file_name,
        format,
        mode: params.mode.unwrap_or_default().into(),
        mapping: Mapping::default(),
        profile: Arc::clone(&state.profile),
        today: AppState::today_at(now),
        now,
        fault: None,
    };
    let input = spooled.reader().map_err(AppError::internal)?;
    let summary = ingest_file(&state.store, request, input, |_| {}).await?;
    drop(spooled);
    Ok((StatusCode::CREATED, Json(summary.into())))
}

/// The upload's format and the name it is recorded under.
fn format_and_name(headers: &HeaderMap) -> Result<(Format, String), AppError> {
    let name = match headers.get(FILE_NAME_HEADER) {
        None => None,
        Some(value) => {
            let text = value
                .to_str()
                .map_err(|_| AppError::InvalidRequest("X-File-Name must be printable ASCII".to_string()))?;
            let base = text.rsplit(['/', '\\']).next().unwrap_or_default().trim();
            if base.is_empty() || base.len() > MAX_FILE_NAME {
                return Err(AppError::InvalidRequest(format!(
                    "X-File-Name must be a file name of 1 to {MAX_FILE_NAME} characters"
                )));
            }
            Some(base.to_string())
        }
    };
    let from_media_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).and_then(Format::from_media_type);
    let format = from_media_type.or_else(|| name.as_deref().and_then(Format::from_file_name)).ok_or_else(|| {
        AppError::UnsupportedMediaType(
            "send the file as text/csv or application/x-ndjson, or name it in X-File-Name with a .csv, .jsonl or .ndjson extension"
                .to_string(),
        )
    })?;
    let name = name.unwrap_or_else(|| format!("upload.{}", format.as_str()));
    Ok((format, name))
}

/// List this partner's batches, newest first.
#[utoipa::path(
    get,
    path = "/v1/partner/batches",
    tag = "partner",
    responses(
        (status = 200, description = "This partner's batches", body = BatchList),
        (status = 401, description = "Missing or invalid partner key", body = Problem, content_type = "application/problem+json"),
    ),
    security(("partner_key" = []))
)]
pub(crate) async fn list_batches(
    AuthenticatedPartner(partner): AuthenticatedPartner,
    State(state): State<AppState>,
) -> Result<Json<BatchList>, AppError> {
    let batches = state.store.batches(Some(&partner.id)).await?;
    Ok(Json(BatchList { batches: batches.into_iter().map(Batch::from).collect() }))
}

/// Why the rejected rows of one of this partner's batches were rejected.
#[utoipa::path(
    get,
    path = "/v1/partner/batches/{id}/quarantine",
    tag = "partner",
    params(("id" = String, Path, description = "The batch id")),
    responses(
        (status = 200, description = "The batch's quarantined rows, by line", body = QuarantineReport),
        (status = 401, description = "Missing or invalid partner key", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No batch of this partner has this id", body = Problem, content_type = "application/problem+json"),
    ),
    security(("partner_key" = []))
)]
pub(crate) async fn batch_quarantine(
    AuthenticatedPartner(partner): AuthenticatedPartner,
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Json<QuarantineReport>, AppError> {
    let Path(id) = id.map_err(|e| AppError::InvalidRequest(e.body_text()))?;
    let owned = state.store.batches(Some(&partner.id)).await?.iter().any(|b| b.id == id);
    if !owned {
        return Err(AppError::NotFound("this partner has no batch with this id".to_string()));
    }
    let rows = state.store.quarantine(&id).await?;
    Ok(Json(QuarantineReport { batch_id: id, rows: rows.into_iter().map(QuarantinedRow::from).collect() }))
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    #[test]
    fn the_media_type_wins_and_the_file_name_extension_is_the_fallback() {
        let (f, name) = format_and_name(&headers(&[("content-type", "text/csv; charset=utf-8")])).unwrap();
        assert_eq!((f, name.as_str()), (Format::Csv, "upload.csv"));
        let (f, name) =
            format_and_name(&headers(&[("content-type", "application/octet-stream"), ("x-file-name", "May.ndjson")]))
                .unwrap();
        assert_eq!((f, name.as_str()), (Format::JsonLines, "May.ndjson"));
        assert!(matches!(
            format_and_name(&headers(&[("content-type", "application/json")])),
            Err(AppError::UnsupportedMediaType(_))
        ));
        assert!(matches!(format_and_name(&HeaderMap::new()), Err(AppError::UnsupportedMediaType(_))));
    }

    #[test]
    fn directories_are_stripped_from_the_file_name() {
        let (_, name) = format_and_name(&headers(&[("x-file-name", "../../etc/partners/May.csv")])).unwrap();
        assert_eq!(name, "May.csv");
        let (_, name) = format_and_name(&headers(&[("x-file-name", "C:\\exports\\June.csv")])).unwrap();
        assert_eq!(name, "June.csv");
        assert!(matches!(format_and_name(&headers(&[("x-file-name", "exports/")])), Err(AppError::InvalidRequest(_))));
    }
}
