//! The layers around every route: request ids and privacy-preserving tracing.
//!
//! - Every request gets an `x-request-id` (a UUID unless the client sent a well-formed one), which
//!   is echoed on the response and used as the `instance` of problem details.
//! - Every request runs in a tracing span that records the method, the matched route template
//!   (e.g. `/v1/partner/batches/{id}/quarantine`) and the status, and nothing else: no headers,
//!   no query strings, no bodies, no raw paths. Personal data must never reach the logs.

use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Request};
use axum::http::HeaderName;
use axum::middleware::{Next, from_fn, map_request};
use axum::response::Response;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

/// The request id header.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The longest client-supplied request id kept; longer or odd ones are replaced by a UUID.
const MAX_CLIENT_REQUEST_ID: usize = 64;

tokio::task_local! {
    static REQUEST_ID: Option<String>;
}

/// The id of the request being handled, when called from inside a handler.
pub(crate) fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok().flatten()
}

/// Wraps every route (and the fallbacks) of `router` in the request-id and tracing layers.
pub(crate) fn apply<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    let header = HeaderName::from_static(REQUEST_ID_HEADER);
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            let path = request.extensions().get::<MatchedPath>().map_or("<unmatched>", MatchedPath::as_str);
            tracing::info_span!("http", method = %request.method(), path, status = tracing::field::Empty)
        })
        .on_request(())
        .on_response(|response: &Response, latency: Duration, span: &Span| {
            span.record("status", response.status().as_u16());
            tracing::info!(parent: span, latency_ms = latency.as_millis(), "answered");
        });
    router.layer(
        ServiceBuilder::new()
            .layer(map_request(drop_odd_request_id))
            .layer(SetRequestIdLayer::new(header.clone(), MakeRequestUuid))
            .layer(PropagateRequestIdLayer::new(header))
            .layer(trace)
            .layer(from_fn(scope_request_id)),
    )
}

/// Removes a client-supplied request id that is too long or not made of `[A-Za-z0-9._-]`, so a
/// fresh UUID is used instead (ids are echoed and logged, so they must be dull).
async fn drop_odd_request_id(mut request: Request) -> Request {
    let odd = request.headers().get(REQUEST_ID_HEADER).is_some_and(|value| {
        let bytes = value.as_bytes();
        bytes.is_empty()
            || bytes.len() > MAX_CLIENT_REQUEST_ID
            || !bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    });
    if odd {
        request.headers_mut().remove(REQUEST_ID_HEADER);
    }
    request
}

/// Makes the request id available to error responses rendered while handling the request.
async fn scope_request_id(request: Request, next: Next) -> Response {
    let id = request.extensions().get::<RequestId>().and_then(|id| id.header_value().to_str().ok()).map(str::to_owned);
    REQUEST_ID.scope(id, next.run(request)).await
}
