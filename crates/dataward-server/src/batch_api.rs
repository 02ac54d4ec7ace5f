//! Batch versions of `trace` and `verify`: a client uploads a CSV of its customers with a
//! purpose and gets the same CSV back, in the same order, with the answers appended.
//!
//! - `POST /v1/client/batches?kind=trace|verify&purpose=P` (body: CSV with a `reference` column
//!   and any of the subject columns) → 202 with the job; nothing is matched yet.
//! - `GET /v1/client/batches/{id}`: status (`queued`, `running`, `done`, `failed`) and progress.
//! - `GET /v1/client/batches/{id}/result`: the appended CSV once done.
//!
//! Jobs run in the background ([`try_execute_task`], driven by `dataward serve`); each row is a
//! client request of its own, with its decisions and ledger rows, exactly as a single call.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dataward_store::jobs::JobStatus;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::client_auth::AuthenticatedClient;
use crate::error::{AppError, Problem};
use crate::release::{self, Ask, Subject, check_purpose};
use crate::state::AppState;

/// Rows accepted in one batch.
pub const MAX_BATCH_ROWS: usize = 100_000;

/// Rows between progress updates.
const PROGRESS_EVERY: usize = 100;

/// Subject columns a batch may carry (besides `reference`).
const SUBJECT_COLUMNS: &[&str] = &[
    "title",
    "first_name",
    "middle_name",
    "surname",
    "date_of_birth",
    "email",
    "phone",
    "mobile",
    "landline",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "town",
    "postcode",
];

/// Released fields written back, in this order, for `trace`.
const TRACE_OUTPUT: &[&str] = &[
    "title",
    "first_name",
    "middle_name",
    "surname",
    "email",
    "mobile",
    "landline",
    "phone",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "address_line_4",
    "town",
    "county",
    "postcode",
    "date_of_birth",
];

/// Fields compared, written back for `verify`.
const VERIFY_OUTPUT: &[&str] = &["first_name", "surname", "date_of_birth", "location", "email", "phone"];

pub fn router() -> axum::Router<AppState> {
    Router::new()
        .route("/v1/client/batches", post(submit))
        .route("/v1/client/batches/{id}", get(status))
        .route("/v1/client/batches/{id}/result", get(result))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct BatchParams {
    /// `trace` or `verify`.
    pub kind: String,
    /// The purpose of every row's request.
    pub purpose: String,
}

/// Reads a batch file: its header (checked) and rows (each a map of column → value).
fn read_rows(text: &str) -> Result<(Vec<String>, Vec<csv::StringRecord>), AppError> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| AppError::InvalidRequest(format!("the file has no readable header: {e}")))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if !headers.iter().any(|h| h == "reference") {
        return Err(AppError::InvalidColumns("a `reference` column (your own id for each row) is required".into()));
    }
    let unknown: Vec<&str> =
        headers.iter().map(String::as_str).filter(|h| *h != "reference" && !SUBJECT_COLUMNS.contains(h)).collect();
    if !unknown.is_empty() {
        return Err(AppError::InvalidColumns(format!(
            "unknown column(s) {}; accepted: reference, {}",
            unknown.join(", "),
            SUBJECT_COLUMNS.join(", ")
        )));
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| AppError::InvalidRequest(format!("line {}: {e}", i + 2)))?;
        rows.push(record);
        if rows.len() > MAX_BATCH_ROWS {
            return Err(AppError::InvalidRequest(format!("more than {MAX_BATCH_ROWS} rows; split the file")));
        }
    }
    if rows.is_empty() {
        return Err(AppError::EmptyFile("the file has a header but no rows".into()));
    }
    Ok((headers, rows))
}

fn subject_of(headers: &[String], row: &csv::StringRecord) -> (String, Subject) {
    let get = |name: &str| {
        headers.iter().position(|h| h == name).and_then(|i| row.get(i)).map(str::trim).filter(|v| !v.is_empty())
    };
    let own = |name: &str| get(name).map(str::to_string);
    let subject = Subject {
        title: own("title"),
        first_name: own("first_name"),
        middle_name: own("middle_name"),
        surname: own("surname"),
        date_of_birth: own("date_of_birth"),
        email: own("email"),
        phones: ["phone", "mobile", "landline"].iter().filter_map(|c| own(c)).collect(),
        address_lines: ["address_line_1", "address_line_2", "address_line_3", "address_line_4"]
            .iter()
            .filter_map(|c| own(c))
            .collect(),
        town: own("town"),
        postcode: own("postcode"),
    };
    (get("reference").unwrap_or_default().to_string(), subject)
}

/// Submit a batch.
#[utoipa::path(
    post,
    path = "/v1/client/batches",
    tag = "client",
    params(BatchParams),
    request_body(content = String, content_type = "text/csv", description = "A `reference` column and subject columns"),
    security(("client_key" = [])),
    responses(
        (status = 202, description = "Queued", body = Object),
        (status = 403, description = "Purpose not contracted", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing `reference` column or unknown columns", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn submit(
    client: AuthenticatedClient,
    State(state): State<AppState>,
    Query(params): Query<BatchParams>,
    body: Bytes,
) -> Result<(StatusCode, Json<JobStatus>), AppError> {
    if !["trace", "verify"].contains(&params.kind.as_str()) {
        return Err(AppError::InvalidRequest(format!("kind must be trace or verify, not `{}`", params.kind)));
    }
    let purpose = check_purpose(&state.profile, &client.0, &params.purpose)?;
    let text = std::str::from_utf8(&body).map_err(|_| AppError::UnreadableFile("the file is not UTF-8".into()))?;
    let (_, rows) = read_rows(text)?;
    let job = state
        .store
        .create_job(&client.0.id, &params.kind, purpose.as_str(), text, rows.len() as i64, state.clock.now())
        .await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// A batch's status and progress.
#[utoipa::path(
    get,
    path = "/v1/client/batches/{id}",
    tag = "client",
    params(("id" = String, Path, description = "The job id")),
    security(("client_key" = [])),
    responses(
        (status = 200, description = "Status and progress", body = Object),
        (status = 404, description = "No such batch of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn status(
    client: AuthenticatedClient,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<JobStatus>, AppError> {
    let job = state
        .store
        .job(&id, &client.0.id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no batch {id} of yours")))?;
    Ok(Json(job))
}

/// A finished batch's appended CSV.
#[utoipa::path(
    get,
    path = "/v1/client/batches/{id}/result",
    tag = "client",
    params(("id" = String, Path, description = "The job id")),
    security(("client_key" = [])),
    responses(
        (status = 200, description = "The CSV with answers appended", content_type = "text/csv", body = String),
        (status = 404, description = "No finished batch of yours", body = Problem, content_type = "application/problem+json"),
    )
)]
pub(crate) async fn result(
    client: AuthenticatedClient,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let csv = state
        .store
        .job_result(&id, &client.0.id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no finished batch {id} of yours")))?;
    let mut response = csv.into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    Ok(response)
}

/// What one run of the worker did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing was queued.
    Idle,
    Done {
        job: String,
        rows: usize,
    },
    Failed {
        job: String,
        error: String,
    },
}

/// Runs the oldest queued job to the end, if there is one.
pub async fn try_execute_task(state: &AppState) -> Result<Outcome, AppError> {
    let Some(job) = state.store.claim_job(state.clock.now()).await? else { return Ok(Outcome::Idle) };
    match run_job(state, &job).await {
        Ok(rows) => Ok(Outcome::Done { job: job.id, rows }),
        Err(e) => {
            let error = match &e {
                AppError::Internal(_) | AppError::Unavailable(_) => {
                    "internal error; the batch can be sent again".into()
                }
                other => other.to_string(),
            };
            tracing::error!(job = %job.id, error = %e, "batch job failed");
            state.store.fail_job(&job.id, &error, state.clock.now()).await?;
            Ok(Outcome::Failed { job: job.id, error })
        }
    }
}

async fn run_job(state: &AppState, job: &dataward_store::jobs::ClaimedJob) -> Result<usize, AppError> {
    let client = state
        .store
        .list_clients()
        .await?
        .into_iter()
        .find(|c| c.id == job.client_id)
        .ok_or_else(|| AppError::InvalidRequest("the client no longer exists".into()))?;
    let (headers, rows) = read_rows(&job.input)?;
    let mut out = csv::Writer::from_writer(Vec::new());
    let extra: &[&str] = if job.kind == "trace" { TRACE_OUTPUT } else { VERIFY_OUTPUT };
    let mut header: Vec<String> = headers.clone();
    header.extend(["dw_band".to_string(), "dw_request_id".to_string()]);
    header.extend(extra.iter().map(|f| format!("dw_{f}")));
    if job.kind == "trace" {
        header.push("dw_withheld".into());
    }
    out.write_record(&header).map_err(AppError::internal)?;
    for (i, row) in rows.iter().enumerate() {
        let (_, subject) = subject_of(&headers, row);
        let ask = Ask {
            store: &state.store,
            profile: &state.profile,
            client: &client,
            purpose: &job.purpose,
            subject: &subject,
            request_id: format!("{}-{:06}", job.id, i + 1),
            now: state.clock.now(),
        };
        let mut record: Vec<String> = row.iter().map(str::to_string).collect();
        if job.kind == "trace" {
            let answer = release::trace(ask).await?;
            let mut by_field: BTreeMap<&str, &str> = BTreeMap::new();
            for v in &answer.values {
                by_field.entry(v.field.as_str()).or_insert(v.value.as_str());
            }
            record.push(answer.band.clone());
            record.push(answer.request_id.clone());
            record.extend(extra.iter().map(|f| by_field.get(f).copied().unwrap_or_default().to_string()));
            let withheld: Vec<String> = answer.withheld.iter().map(|w| format!("{}:{}", w.field, w.reason)).collect();
            record.push(withheld.join(";"));
        } else {
            let answer = release::verify(ask).await?;
            record.push(answer.band.clone());
            record.push(answer.request_id.clone());
            record.extend(
                extra.iter().map(|f| {
                    answer.fields.iter().find(|x| x.field == *f).map(|x| x.outcome.clone()).unwrap_or_default()
                }),
            );
        }
        out.write_record(&record).map_err(AppError::internal)?;
        if (i + 1) % PROGRESS_EVERY == 0 {
            state.store.job_progress(&job.id, (i + 1) as i64).await?;
        }
    }
    let bytes = out.into_inner().map_err(|e| AppError::internal(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(AppError::internal)?;
    state.store.finish_job(&job.id, rows.len() as i64, &text, state.clock.now()).await?;
    Ok(rows.len())
}

/// Runs queued jobs until the task is dropped: jobs left running by a stopped server are queued
/// again first; an idle worker looks again every half second.
pub async fn job_loop(state: AppState) {
    match state.store.requeue_interrupted_jobs().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(jobs = n, "interrupted batch jobs queued again"),
        Err(e) => tracing::error!(error = %e, "could not requeue interrupted batch jobs"),
    }
    loop {
        match try_execute_task(&state).await {
            Ok(Outcome::Idle) => tokio::time::sleep(std::time::Duration::from_millis(500)).await,
            Ok(Outcome::Done { job, rows }) => tracing::info!(%job, rows, "batch job done"),
            Ok(Outcome::Failed { job, .. }) => tracing::warn!(%job, "batch job failed"),
            Err(e) => {
                tracing::error!(error = %e, "batch worker error");
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            }
        }
    }
}
