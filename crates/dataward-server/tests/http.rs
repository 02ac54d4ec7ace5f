//! The HTTP edge end to end, in-process (`tower::ServiceExt::oneshot`), on every store backend:
//! health and version, the OpenAPI document, partner authentication, uploads (CSV, JSON Lines,
//! refresh, refused columns, media types, size limits), batches and their quarantine, request
//! ids, problem details, and logs free of personal data.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use dataward_core::partner::Channel;
use dataward_core::profile::Profile;
use dataward_server::{AppState, FixedClock, ServerConfig, app, app_with};
use dataward_store::partners::NewPartner;
use dataward_store::reads::Totals;
use dataward_store::testing::{TestStore, backends, fresh_store};
use dataward_store::{Backend, Store};
use serde_json::Value;
use tower::ServiceExt;

#[path = "http/browser.rs"]
mod browser;
#[path = "http/client_api.rs"]
mod client_api;
#[path = "http/console.rs"]
mod console;
#[path = "http/http_sink.rs"]
mod http_sink;
#[path = "http/rights_api.rs"]
mod rights_api;
#[path = "http/rights_console.rs"]
mod rights_console;
#[path = "http/rights_delivery.rs"]
mod rights_delivery;
#[path = "http/rights_portal.rs"]
mod rights_portal;
#[path = "http/smtp_sink.rs"]
mod smtp_sink;

#[path = "http/lifecycle.rs"]
mod lifecycle;

const NOW: &str = "2026-11-23T10:00:00Z";
const PROBLEMS: &str = "https://dataward.dev/problems/";

/// A good row (line 2) and a row with an invalid postcode (line 3).
const CSV: &str = "first_name,surname,email,postcode,dob\n\
                   Jane,Smith,jane@example.co.uk,LS1 4AP,1980-03-12\n\
                   Tom,Jones,tom@example.com,LS1 4CC,1975-07-01\n";

/// An app on a fresh store with one registered partner.
struct Server {
    app: Router,
    store: Store,
    key: String,
    backend: Backend,
    _test: TestStore,
}

async fn server(backend: Backend) -> Server {
    server_with(backend, ServerConfig::default()).await
}

async fn server_with(backend: Backend, config: ServerConfig) -> Server {
    let test = fresh_store(backend).await;
    let key = add_partner(&test.store, "competition-co").await;
    let state = AppState {
        store: test.store.clone(),
        profile: Arc::new(Profile::builtin("data-broker").unwrap().unwrap()),
        clock: Arc::new(FixedClock(NOW.parse().unwrap())),
    };
    let app = if config == ServerConfig::default() { app(state) } else { app_with(state, config) };
    Server { app, store: test.store.clone(), key, backend, _test: test }
}

/// Registers a partner and returns its API key.
async fn add_partner(store: &Store, name: &str) -> String {
    let new = NewPartner { name: name.into(), channel: Channel::Competition, retention_days: 365 };
    let (_, key) = store.add_partner(&new, NOW.parse().unwrap()).await.unwrap();
    key.reveal().to_string()
}

/// A response, read whole.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).unwrap_or_else(|| panic!("no {name} header")).to_str().unwrap()
    }
    /// Asserts a problem-details answer of this status and type, and returns it.
    fn problem(&self, status: StatusCode, kind: &str) -> Value {
        assert_eq!(self.status, status, "{}", String::from_utf8_lossy(&self.body));
        assert_eq!(self.header("content-type"), "application/problem+json");
        let p = self.json();
        assert_eq!(p["type"], format!("{PROBLEMS}{kind}"), "{p}");
        assert_eq!(p["status"], status.as_u16(), "{p}");
        assert!(p["title"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
        assert!(p["detail"].as_str().is_some_and(|t| !t.is_empty()), "{p}");
        assert_eq!(p["instance"], self.header("x-request-id"), "the instance is the request id");
        p
    }
}

async fn call(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    Answer { status: parts.status, headers: parts.headers, body }
}

fn get(uri: &str, key: Option<&str>) -> Request<Body> {
    let mut builder = Request::get(uri);
    if let Some(key) = key {
        builder = builder.header("authorization", format!("Bearer {key}"));
    }
    builder.body(Body::empty()).unwrap()
}

/// A `POST /v1/partner/files{query}` with the given key, headers and body.
fn upload(key: Option<&str>, query: &str, headers: &[(&str, &str)], body: impl Into<Body>) -> Request<Body> {
    let mut builder = Request::post(format!("/v1/partner/files{query}"));
    if let Some(key) = key {
        builder = builder.header("authorization", format!("Bearer {key}"));
    }
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(body.into()).unwrap()
}

fn csv_upload(key: &str, query: &str, text: &str) -> Request<Body> {
    upload(Some(key), query, &[("content-type", "text/csv")], text.to_string())
}

async fn totals(s: &Server) -> Totals {
    s.store.totals().await.unwrap()
}

#[tokio::test]
async fn health_names_the_database_and_version_names_the_profile() {
    for backend in backends() {
        let s = server(backend).await;
        let health = call(&s.app, get("/health", None)).await;
        assert_eq!(health.status, StatusCode::OK);
        assert_eq!(health.json(), serde_json::json!({"status": "ok", "database": backend.as_str()}));
        let version = call(&s.app, get("/version", None)).await;
        assert_eq!(version.status, StatusCode::OK);
        assert_eq!(
            version.json(),
            serde_json::json!({"name": "dataward", "version": env!("CARGO_PKG_VERSION"), "profile": "data-broker"})
        );
    }
}

#[tokio::test]
async fn the_openapi_document_lists_the_upload_route_and_a_bearer_scheme() {
    for backend in backends() {
        let s = server(backend).await;
        let answer = call(&s.app, get("/openapi.json", None)).await;
        assert_eq!(answer.status, StatusCode::OK);
        let doc = answer.json();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);
        let upload = &doc["paths"]["/v1/partner/files"]["post"];
        assert!(upload.is_object(), "the upload route is documented");
        assert_eq!(upload["security"][0]["partner_key"], serde_json::json!([]), "the upload requires the partner key");
        assert!(upload["requestBody"]["content"]["text/csv"].is_object());
        assert!(upload["responses"]["201"].is_object());
        assert_eq!(doc["components"]["securitySchemes"]["partner_key"]["type"], "http");
        assert_eq!(doc["components"]["securitySchemes"]["partner_key"]["scheme"], "bearer");
        assert!(doc["components"]["schemas"]["Problem"].is_object());
    }
}

#[tokio::test]
async fn every_operation_in_the_openapi_document_is_served_by_the_router() {
    for backend in backends() {
        let s = server(backend).await;
        let doc = call(&s.app, get("/openapi.json", None)).await.json();
        let paths = doc["paths"].as_object().unwrap();
        assert_eq!(paths.len(), 19, "{:?}", paths.keys().collect::<Vec<_>>());
        for (path, operations) in paths {
            for method in operations.as_object().unwrap().keys() {
                let uri = path.replace("{id}", "no-such-batch").replace("{request_id}", "no-such-request");
                let request =
                    Request::builder().method(method.to_uppercase().as_str()).uri(&uri).body(Body::empty()).unwrap();
                let answer = call(&s.app, request).await;
                // A served route may say its resource is missing (an unknown request id); only the
                // router's own fallback means the path is not served.
                let unrouted =
                    answer.status == StatusCode::NOT_FOUND && answer.json()["detail"] == "no resource at this path";
                assert!(
                    !unrouted && answer.status != StatusCode::METHOD_NOT_ALLOWED,
                    "{method} {path} is documented but answered {}",
                    answer.status
                );
            }
        }
    }
}

#[tokio::test]
async fn an_upload_without_a_key_is_refused_with_a_401_problem_and_a_bearer_challenge() {
    for backend in backends() {
        let s = server(backend).await;
        let answer = call(&s.app, upload(None, "", &[("content-type", "text/csv")], CSV)).await;
        answer.problem(StatusCode::UNAUTHORIZED, "unauthorized");
        assert_eq!(answer.header("www-authenticate"), "Bearer");
        assert_eq!(totals(&s).await.source_records, 0, "{backend:?}");
    }
}

#[tokio::test]
async fn an_upload_with_a_wrong_or_malformed_key_is_refused_with_401() {
    for backend in backends() {
        let s = server(backend).await;
        let mut wrong = s.key.clone();
        let last = wrong.pop().unwrap();
        wrong.push(if last == '0' { '1' } else { '0' });
        for key in [wrong.as_str(), "dwp_nonsense", "dwc_000000000000_000000000000000000000000000000000000000000000000"]
        {
            let answer = call(&s.app, csv_upload(key, "", CSV)).await;
            answer.problem(StatusCode::UNAUTHORIZED, "unauthorized");
            assert!(!String::from_utf8_lossy(&answer.body).contains(key), "the key is not echoed");
        }
        let basic = upload(None, "", &[("content-type", "text/csv"), ("authorization", "Basic dXNlcjpwYXNz")], CSV);
        call(&s.app, basic).await.problem(StatusCode::UNAUTHORIZED, "unauthorized");
        assert_eq!(totals(&s).await.source_records, 0, "{backend:?}");
    }
}

#[tokio::test]
async fn a_csv_upload_is_loaded_and_its_bad_row_is_reported_by_line_and_field_without_the_row() {
    for backend in backends() {
        let s = server(backend).await;
        let answer = call(&s.app, csv_upload(&s.key, "", CSV)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{backend:?}: {}", String::from_utf8_lossy(&answer.body));
        let summary = answer.json();
        assert_eq!(summary["accepted"], 1, "{summary}");
        assert_eq!(summary["quarantined"], 1, "{summary}");
        assert_eq!(summary["rows_read"], 2, "{summary}");
        assert_eq!(summary["quarantined_by_reason"]["invalid_postcode"], 1, "{summary}");
        assert_eq!(summary["partner"], "competition-co");
        let batch_id = summary["batch_id"].as_str().unwrap().to_string();

        let batches = call(&s.app, get("/v1/partner/batches", Some(&s.key))).await;
        assert_eq!(batches.status, StatusCode::OK);
        let batches = batches.json();
        assert_eq!(batches["batches"].as_array().unwrap().len(), 1, "{batches}");
        assert_eq!(batches["batches"][0]["id"], batch_id.as_str());
        assert_eq!(batches["batches"][0]["mode"], "append");
        assert_eq!(batches["batches"][0]["file_name"], "upload.csv");

        let quarantine = call(&s.app, get(&format!("/v1/partner/batches/{batch_id}/quarantine"), Some(&s.key))).await;
        assert_eq!(quarantine.status, StatusCode::OK, "{}", String::from_utf8_lossy(&quarantine.body));
        let report = quarantine.json();
        let rows = report["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 1, "{report}");
        assert_eq!(rows[0]["line"], 3);
        assert_eq!(rows[0]["field"], "postcode");
        assert_eq!(rows[0]["reason"], "invalid_postcode");
        let text = String::from_utf8_lossy(&quarantine.body);
        for value in ["4CC", "Jones", "tom@example.com"] {
            assert!(!text.contains(value), "the quarantine report repeats `{value}`: {text}");
        }
    }
}

#[tokio::test]
async fn a_file_with_a_credit_score_column_is_refused_with_422_and_nothing_is_stored() {
    for backend in backends() {
        let s = server(backend).await;
        let before = totals(&s).await;
        let text = "first_name,surname,email,postcode,dob,credit_score\nJane,Smith,jane@example.co.uk,LS1 4AP,1980-03-12,712\n";
        let answer = call(&s.app, csv_upload(&s.key, "", text)).await;
        let problem = answer.problem(StatusCode::UNPROCESSABLE_ENTITY, "forbidden-column");
        assert_eq!(problem["column"], "credit_score");
        assert!(problem["detail"].as_str().unwrap().contains("credit_score"), "{problem}");
        assert!(!problem["detail"].as_str().unwrap().contains("712"), "{problem}");
        assert_eq!(totals(&s).await, before, "{backend:?}");
        assert!(s.store.batches(None).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn an_upload_of_an_unsupported_media_type_is_refused_with_415() {
    for backend in backends() {
        let s = server(backend).await;
        let json = upload(Some(&s.key), "", &[("content-type", "application/json")], "{\"first_name\":\"Jane\"}");
        call(&s.app, json).await.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");
        let untyped = upload(Some(&s.key), "", &[("x-file-name", "people.xlsx")], "x");
        call(&s.app, untyped).await.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type");
        assert!(s.store.batches(None).await.unwrap().is_empty(), "{backend:?}");
    }
}

#[tokio::test]
async fn the_format_comes_from_the_file_name_when_the_media_type_is_generic() {
    for backend in backends() {
        let s = server(backend).await;
        let headers = [("content-type", "application/octet-stream"), ("x-file-name", "exports/May 2026.csv")];
        let answer = call(&s.app, upload(Some(&s.key), "", &headers, CSV)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{backend:?}: {}", String::from_utf8_lossy(&answer.body));
        let batches = s.store.batches(None).await.unwrap();
        assert_eq!(batches[0].file_name, "May 2026.csv", "directories are dropped from the name");
    }
}

#[tokio::test]
async fn a_json_lines_upload_is_loaded() {
    for backend in backends() {
        let s = server(backend).await;
        let text = "{\"first_name\":\"Jane\",\"surname\":\"Smith\",\"email\":\"jane@example.co.uk\"}\n\
                    {\"first_name\":\"Tom\",\"surname\":\"Jones\",\"email\":\"tom@example.com\",\"postcode\":\"LS1 4AP\"}\n";
        let answer = call(&s.app, upload(Some(&s.key), "", &[("content-type", "application/x-ndjson")], text)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{backend:?}: {}", String::from_utf8_lossy(&answer.body));
        let summary = answer.json();
        assert_eq!((summary["accepted"].as_u64(), summary["quarantined"].as_u64()), (Some(2), Some(0)), "{summary}");
        assert_eq!(totals(&s).await.source_records, 2);
        assert_eq!(s.store.batches(None).await.unwrap()[0].file_name, "upload.jsonl");
    }
}

#[tokio::test]
async fn a_refresh_upload_removes_the_partners_earlier_records_and_an_append_keeps_them() {
    for backend in backends() {
        let s = server(backend).await;
        let first = "first_name,surname,email\nJane,Smith,jane@example.co.uk\nTom,Jones,tom@example.com\n";
        assert_eq!(call(&s.app, csv_upload(&s.key, "", first)).await.status, StatusCode::CREATED);
        assert_eq!(totals(&s).await.source_records, 2, "{backend:?}");

        let more = "first_name,surname,email\nAmy,Pond,amy@example.com\n";
        assert_eq!(call(&s.app, csv_upload(&s.key, "?mode=append", more)).await.status, StatusCode::CREATED);
        assert_eq!(totals(&s).await.source_records, 3, "{backend:?}: an append keeps earlier records");

        let only = "first_name,surname,email\nZoe,Quinn,zoe@example.com\n";
        let answer = call(&s.app, csv_upload(&s.key, "?mode=refresh", only)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&answer.body));
        assert_eq!(answer.json()["removed_records"], 3);
        assert_eq!(totals(&s).await.source_records, 1, "{backend:?}: a refresh leaves only the new file");
        assert!(s.store.persons_with_value("email", "tom@example.com").await.unwrap().is_empty());
        assert_eq!(s.store.batches(None).await.unwrap()[0].mode, "refresh");
    }
}

#[tokio::test]
async fn an_unknown_mode_is_refused_with_a_400_problem() {
    for backend in backends() {
        let s = server(backend).await;
        let answer = call(&s.app, csv_upload(&s.key, "?mode=merge", CSV)).await;
        answer.problem(StatusCode::BAD_REQUEST, "invalid-request");
        assert!(s.store.batches(None).await.unwrap().is_empty(), "{backend:?}");
    }
}

#[tokio::test]
async fn an_empty_body_and_a_header_only_file_are_refused_as_empty_files() {
    for backend in backends() {
        let s = server(backend).await;
        call(&s.app, csv_upload(&s.key, "", "")).await.problem(StatusCode::UNPROCESSABLE_ENTITY, "empty-file");
        let header_only = "first_name,surname,email\n";
        call(&s.app, csv_upload(&s.key, "", header_only)).await.problem(StatusCode::UNPROCESSABLE_ENTITY, "empty-file");
        assert!(s.store.batches(None).await.unwrap().is_empty(), "{backend:?}");
    }
}

#[tokio::test]
async fn an_upload_over_the_size_limit_is_refused_with_413_whether_declared_or_streamed() {
    for backend in backends() {
        let config = ServerConfig { max_upload_bytes: 64, ..ServerConfig::default() };
        let s = server_with(backend, config).await;
        let big = format!("first_name,surname,email\n{}", "Jane,Smith,jane@example.co.uk\n".repeat(10));
        let declared = upload(
            Some(&s.key),
            "",
            &[("content-type", "text/csv"), ("content-length", &big.len().to_string())],
            big.clone(),
        );
        call(&s.app, declared).await.problem(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large");
        let chunks: Vec<Result<String, std::io::Error>> = big.lines().map(|l| Ok(format!("{l}\n"))).collect();
        let streamed = upload(
            Some(&s.key),
            "",
            &[("content-type", "text/csv")],
            Body::from_stream(futures_util::stream::iter(chunks)),
        );
        call(&s.app, streamed).await.problem(StatusCode::PAYLOAD_TOO_LARGE, "payload-too-large");
        assert!(s.store.batches(None).await.unwrap().is_empty(), "{backend:?}");
        let small = "first_name,surname,email\nJane,Smith,jane@example.co.uk\n";
        assert_eq!(
            call(&s.app, csv_upload(&s.key, "", small)).await.status,
            StatusCode::CREATED,
            "under the limit is fine"
        );
    }
}

#[tokio::test]
async fn an_upload_larger_than_axums_default_body_limit_is_streamed_and_loaded() {
    for backend in backends() {
        let s = server(backend).await;
        let padding = "x".repeat(1000);
        let mut text = String::from("first_name,surname,email,notes\n");
        for i in 0..3000 {
            text.push_str(&format!("Jane,Smith,person{i}@example.com,{padding}\n"));
        }
        assert!(text.len() > 2 * 1024 * 1024, "bigger than axum's 2 MiB default");
        let answer = call(&s.app, csv_upload(&s.key, "", &text)).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{backend:?}: {}", String::from_utf8_lossy(&answer.body));
        let summary = answer.json();
        assert_eq!(summary["accepted"], 3000, "{summary}");
        assert_eq!(summary["unknown_columns"], serde_json::json!(["notes"]), "{summary}");
    }
}

#[tokio::test]
async fn every_response_carries_a_request_id_and_a_well_formed_client_id_is_echoed() {
    for backend in backends() {
        let s = server(backend).await;
        let requests = [
            get("/health", None),
            get("/openapi.json", None),
            get("/no/such/path", None),
            get("/v1/partner/batches", None),
            csv_upload(&s.key, "", CSV),
            csv_upload(&s.key, "", "first_name,surname,credit_score\nA,B,1\n"),
        ];
        let mut ids = Vec::new();
        for request in requests {
            let answer = call(&s.app, request).await;
            let id = answer.header("x-request-id").to_string();
            assert!(uuid::Uuid::parse_str(&id).is_ok(), "{backend:?}: a fresh request id is a UUID: {id}");
            ids.push(id);
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 6, "every request gets its own id");

        let mine = Request::get("/no/such/path").header("x-request-id", "client-trace-42").body(Body::empty()).unwrap();
        let answer = call(&s.app, mine).await;
        assert_eq!(answer.header("x-request-id"), "client-trace-42");
        assert_eq!(answer.problem(StatusCode::NOT_FOUND, "not-found")["instance"], "client-trace-42");

        let odd = Request::get("/health").header("x-request-id", "jane@example.co.uk").body(Body::empty()).unwrap();
        let answer = call(&s.app, odd).await;
        assert!(uuid::Uuid::parse_str(answer.header("x-request-id")).is_ok(), "an odd client id is replaced");
    }
}

#[tokio::test]
async fn a_partner_cannot_read_another_partners_batch_quarantine() {
    for backend in backends() {
        let s = server(backend).await;
        let other_key = add_partner(&s.store, "offer-site-ltd").await;
        let summary = call(&s.app, csv_upload(&s.key, "", CSV)).await.json();
        let batch_id = summary["batch_id"].as_str().unwrap();
        let uri = format!("/v1/partner/batches/{batch_id}/quarantine");

        call(&s.app, get(&uri, Some(&other_key))).await.problem(StatusCode::NOT_FOUND, "not-found");
        let theirs = call(&s.app, get("/v1/partner/batches", Some(&other_key))).await.json();
        assert_eq!(theirs["batches"], serde_json::json!([]), "{backend:?}: another partner's batches are not listed");
        call(&s.app, get("/v1/partner/batches/no-such-batch/quarantine", Some(&s.key)))
            .await
            .problem(StatusCode::NOT_FOUND, "not-found");
        assert_eq!(call(&s.app, get(&uri, Some(&s.key))).await.status, StatusCode::OK, "the owner can");
    }
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_with_problems() {
    for backend in backends() {
        let s = server(backend).await;
        call(&s.app, get("/v2/everything", None)).await.problem(StatusCode::NOT_FOUND, "not-found");
        let answer = call(&s.app, get("/v1/partner/files", None)).await;
        assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{backend:?}");
        answer.problem(StatusCode::METHOD_NOT_ALLOWED, "method-not-allowed");
    }
}

#[tokio::test]
async fn when_the_store_is_closed_health_answers_503_and_an_upload_an_opaque_500() {
    for backend in backends() {
        let s = server(backend).await;
        s.store.close().await;
        call(&s.app, get("/health", None)).await.problem(StatusCode::SERVICE_UNAVAILABLE, "unavailable");
        let captured = capture_logs();
        let answer = call(&s.app, csv_upload(&s.key, "", CSV)).await;
        let problem = answer.problem(StatusCode::INTERNAL_SERVER_ERROR, "internal");
        assert_eq!(problem["detail"], "internal error", "{backend:?}: nothing about the cause is revealed");
        let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let id = problem["instance"].as_str().unwrap();
        assert!(
            logs.contains("request failed") && logs.contains(id),
            "the cause is logged with the request id: {logs}"
        );
        assert!(logs.contains("closed"), "the log names the cause: {logs}");
    }
}

/// Log lines written on one test thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

thread_local! {
    static CAPTURE: std::cell::RefCell<Option<Captured>> = const { std::cell::RefCell::new(None) };
}

/// Writes to the capture of the current thread, if it has one.
struct ThreadSink;

impl Write for ThreadSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|slot| {
            if let Some(captured) = &*slot.borrow() {
                captured.0.lock().unwrap().extend_from_slice(buf);
            }
        });
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Captures what this thread logs from now on. The subscriber is global (installed once):
/// tracing caches per-callsite interest process-wide, so a thread-scoped subscriber would miss
/// callsites first reached by concurrently running tests.
fn capture_logs() -> Captured {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        tracing_subscriber::fmt()
            .with_env_filter("dataward_server=trace,tower_http=trace")
            .with_writer(|| ThreadSink)
            .with_ansi(false)
            .without_time()
            .init();
    });
    let captured = Captured::default();
    CAPTURE.with(|slot| *slot.borrow_mut() = Some(captured.clone()));
    captured
}

#[tokio::test]
async fn logs_record_method_route_and_status_but_no_personal_data() {
    for backend in backends() {
        let s = server(backend).await;
        let captured = capture_logs();

        let headers = [("content-type", "text/csv"), ("x-file-name", "jane-smith.csv"), ("x-request-id", "trace-1")];
        let answer = call(&s.app, upload(Some(&s.key), "?mode=append&note=jane@example.co.uk", &headers, CSV)).await;
        assert_eq!(answer.status, StatusCode::CREATED);
        let batch_id = answer.json()["batch_id"].as_str().unwrap().to_string();
        let q = call(&s.app, get(&format!("/v1/partner/batches/{batch_id}/quarantine"), Some(&s.key))).await;
        assert_eq!(q.status, StatusCode::OK);

        let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(logs.contains("path=\"/v1/partner/files\""), "{logs}");
        assert!(
            logs.contains("path=\"/v1/partner/batches/{id}/quarantine\""),
            "the route template, not the path: {logs}"
        );
        assert!(logs.contains("method=POST") && logs.contains("status=201"), "{logs}");
        for secret in ["jane", "Smith", "LS1", "1980-03-12", "1975-07-01", &s.key, &batch_id, "Bearer", "mode=append"] {
            assert!(!logs.contains(secret), "{:?}: the logs contain `{secret}`: {logs}", s.backend);
        }
    }
}

#[tokio::test]
async fn serve_answers_over_tcp_and_stops_gracefully_on_shutdown() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    for backend in backends() {
        let s = server(backend).await;
        let state = AppState {
            store: s.store.clone(),
            profile: Arc::new(Profile::builtin("data-broker").unwrap().unwrap()),
            clock: Arc::new(dataward_server::SystemClock),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(dataward_server::serve(listener, state, async move {
            let _ = stopped.await;
        }));

        let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
        socket.write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.unwrap();
        let mut response = String::new();
        socket.read_to_string(&mut response).await.unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{backend:?}: {response}");
        assert!(response.to_ascii_lowercase().contains("x-request-id:"), "{response}");

        stop.send(()).unwrap();
        let finished = tokio::time::timeout(std::time::Duration::from_secs(10), server).await;
        finished.expect("the server stops after shutdown").unwrap().unwrap();
    }
}
