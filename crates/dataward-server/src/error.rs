//! Every failure a handler can report, rendered as RFC 9457 problem details
//! (`application/problem+json`) with a stable type URI per kind of problem.
//!
//! Client errors carry a safe, value-free explanation. Internal errors log their cause chain
//! (with the request id, never the request) and answer with an opaque 500.

use std::error::Error as StdError;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dataward_core::columns::ColumnError;
use dataward_ingest::IngestError;
use dataward_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::middleware::current_request_id;

/// The media type of every error response.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The prefix of every problem type URI.
pub const PROBLEM_BASE: &str = "https://dataward.dev/problems/";

/// An RFC 9457 problem details object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
pub struct Problem {
    /// A stable URI naming the kind of problem, e.g. `https://dataward.dev/problems/unauthorized`.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// A short summary of the kind of problem (the same for every occurrence).
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong with this request, without personal data.
    pub detail: String,
    /// The request id (`x-request-id`) of the request that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The column at fault, for column problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
}

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("a valid API key is required (Authorization: Bearer <key>)")]
    Unauthorized,
    #[error("{detail}")]
    PurposeRefused { code: &'static str, detail: String },
    #[error("{0}")]
    PartnerWithdrawn(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("the form's CSRF token is missing or wrong; reload the page and try again")]
    CsrfRejected,
    #[error("{0}")]
    NotFound(String),
    #[error("this method is not allowed on this resource")]
    MethodNotAllowed,
    #[error("{0}")]
    InvalidRequest(String),
    #[error("{0}")]
    UnreadableFile(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the upload is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: u64 },
    #[error("{detail}")]
    ForbiddenColumn { column: String, detail: String },
    #[error("{detail}")]
    ColumnNotHeld { column: String, detail: String },
    #[error("{0}")]
    InvalidColumns(String),
    #[error("{0}")]
    EmptyFile(String),
    #[error("{0}")]
    CodeRefused(String),
    #[error("{0}")]
    Conflict(String),
    #[error("the database is not answering")]
    Unavailable(#[source] Box<dyn StdError + Send + Sync>),
    #[error("internal error")]
    Internal(#[source] Box<dyn StdError + Send + Sync>),
}

impl AppError {
    /// Wraps any error as an internal one.
    pub fn internal(error: impl Into<Box<dyn StdError + Send + Sync>>) -> AppError {
        AppError::Internal(error.into())
    }

    /// The status code answered.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::PartnerWithdrawn(_)
            | AppError::PurposeRefused { .. }
            | AppError::Forbidden(_)
            | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::InvalidRequest(_) | AppError::UnreadableFile(_) => StatusCode::BAD_REQUEST,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::ForbiddenColumn { .. }
            | AppError::ColumnNotHeld { .. }
            | AppError::InvalidColumns(_)
            | AppError::EmptyFile(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::CodeRefused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The last segment of the problem type URI, and the problem's title.
    pub fn kind(&self) -> (&'static str, &'static str) {
        match self {
            AppError::Unauthorized => ("unauthorized", "Unauthorized"),
            AppError::PartnerWithdrawn(_) => ("partner-withdrawn", "Partner withdrawn"),
            AppError::PurposeRefused { code, .. } => (code, "Purpose refused"),
            AppError::Forbidden(_) => ("forbidden", "Forbidden"),
            AppError::CsrfRejected => ("csrf-rejected", "CSRF token rejected"),
            AppError::NotFound(_) => ("not-found", "Not found"),
            AppError::MethodNotAllowed => ("method-not-allowed", "Method not allowed"),
            AppError::InvalidRequest(_) => ("invalid-request", "Invalid request"),
            AppError::UnreadableFile(_) => ("unreadable-file", "Unreadable file"),
            AppError::UnsupportedMediaType(_) => ("unsupported-media-type", "Unsupported media type"),
            AppError::PayloadTooLarge { .. } => ("payload-too-large", "Payload too large"),
            AppError::ForbiddenColumn { .. } => ("forbidden-column", "Forbidden column"),
            AppError::ColumnNotHeld { .. } => ("column-not-held", "Column not held"),
            AppError::InvalidColumns(_) => ("invalid-columns", "Invalid columns"),
            AppError::EmptyFile(_) => ("empty-file", "Empty file"),
            AppError::CodeRefused(_) => ("code-refused", "Code refused"),
            AppError::Conflict(_) => ("conflict", "Not allowed in this state"),
            AppError::Unavailable(_) => ("unavailable", "Service unavailable"),
            AppError::Internal(_) => ("internal", "Internal server error"),
        }
    }

    /// The problem details this error is reported as (without the request id).
    pub fn problem(&self) -> Problem {
        let (slug, title) = self.kind();
        let column = match self {
            AppError::ForbiddenColumn { column, .. } | AppError::ColumnNotHeld { column, .. } => Some(column.clone()),
            _ => None,
        };
        Problem {
            type_uri: format!("{PROBLEM_BASE}{slug}"),
            title: title.to_string(),
            status: self.status().as_u16(),
            detail: self.to_string(),
            instance: None,
            column,
        }
    }
}

/// The error and every error beneath it, joined by ": ".
fn cause_chain(error: &dyn StdError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let request_id = current_request_id();
        if let AppError::Internal(_) | AppError::Unavailable(_) = &self {
            let request_id = request_id.as_deref().unwrap_or("-");
            tracing::error!(request_id, error = %cause_chain(&self), "request failed");
        }
        let mut problem = self.problem();
        problem.instance = request_id;
        let mut response = (self.status(), Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if matches!(self, AppError::Unauthorized) {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            // The law refused the step (e.g. refusing an absolute objection): the caller's
            // mistake, said in the core's words.
            StoreError::Transition(e) => AppError::Conflict(e.to_string()),
            other => AppError::internal(other),
        }
    }
}

impl From<ColumnError> for AppError {
    fn from(error: ColumnError) -> Self {
        match error {
            ColumnError::Forbidden { ref column, .. } => {
                AppError::ForbiddenColumn { column: column.clone(), detail: error.to_string() }
            }
            ColumnError::NotHeld { ref column, category } => AppError::ColumnNotHeld {
                column: column.clone(),
                detail: format!(
                    "column `{column}` holds {category}, which this deployment's profile does not hold; \
                     remove the column and send the file again"
                ),
            },
            ColumnError::Missing { field } => {
                AppError::InvalidColumns(format!("no column is recognised as {field}; name the column as documented"))
            }
            other => AppError::InvalidColumns(other.to_string()),
        }
    }
}

impl From<IngestError> for AppError {
    fn from(error: IngestError) -> Self {
        match error {
            IngestError::Columns { source, .. } => source.into(),
            IngestError::Read { source, .. } => AppError::UnreadableFile(source.to_string()),
            IngestError::PartnerWithdrawn { partner, .. } => AppError::PartnerWithdrawn(format!(
                "partner `{partner}` is withdrawn; its files are no longer accepted"
            )),
            IngestError::Empty { .. } => AppError::EmptyFile("the file has no rows; nothing was stored".to_string()),
            other @ (IngestError::Store(_) | IngestError::Injected(_) | IngestError::ReaderLost) => {
                AppError::internal(other)
            }
        }
    }
}

/// The answer for paths no route serves.
pub(crate) async fn not_found() -> AppError {
    AppError::NotFound("no resource at this path".to_string())
}

/// The answer for a known path asked with a method it does not serve.
pub(crate) async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_type_is_under_the_stable_base() {
        let errors = [
            AppError::Unauthorized,
            AppError::PayloadTooLarge { limit: 1 },
            AppError::ForbiddenColumn { column: "credit_score".into(), detail: "x".into() },
            AppError::internal(std::io::Error::other("disk full")),
        ];
        for e in errors {
            let p = e.problem();
            assert!(p.type_uri.starts_with(PROBLEM_BASE), "{}", p.type_uri);
            assert_eq!(p.status, e.status().as_u16());
        }
    }

    #[test]
    fn internal_errors_do_not_reveal_their_cause_to_the_client() {
        let p = AppError::internal(std::io::Error::other("password=hunter2")).problem();
        assert_eq!(p.detail, "internal error");
        assert_eq!(p.type_uri, "https://dataward.dev/problems/internal");
    }

    #[test]
    fn the_cause_chain_names_every_layer() {
        let e = AppError::internal(IngestError::Store(StoreError::Corrupt("bad row".into())));
        let chain = cause_chain(&e);
        assert!(chain.contains("internal error") && chain.contains("bad row"), "{chain}");
    }
}
