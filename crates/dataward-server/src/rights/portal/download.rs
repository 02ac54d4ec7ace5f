//! `GET /rights/download/{token}`: a one-time download of a completed request's export (the
//! access report page or JSON, the portability JSON or CSV). The content is wiped as it is
//! served; a used, expired or unknown link answers a 410 page saying so.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::page;
use crate::error::AppError;
use crate::rights::service;
use crate::state::AppState;

/// The media type and, for files, the name a download is saved under.
fn kind_of(format: &str) -> (&'static str, Option<&'static str>) {
    match format {
        "html" => ("text/html; charset=utf-8", None),
        "json" => ("application/json", Some("attachment; filename=\"dataward-data.json\"")),
        "csv" => ("text/csv; charset=utf-8", Some("attachment; filename=\"dataward-data.csv\"")),
        _ => ("application/octet-stream", Some("attachment; filename=\"dataward-data\"")),
    }
}

/// `GET /rights/download/{token}`.
pub async fn take(State(state): State<AppState>, Path(token): Path<String>) -> Result<Response, AppError> {
    let now = state.clock.now();
    let Some((_request_id, format, content)) =
        state.store.take_download(&service::token_digest(&state, &token), now).await?
    else {
        return page::message(
            StatusCode::GONE,
            "This link has already been used or has expired",
            "Each download link works once, for a limited time. If you did not get your file, contact us \
             quoting your request's reference and we will send a new link.",
        );
    };
    let (media_type, disposition) = kind_of(&format);
    let mut response = (StatusCode::OK, content).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(media_type));
    if let Some(disposition) = disposition {
        headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(disposition));
    }
    tracing::info!(format = %format, "rights download taken");
    Ok(response)
}
