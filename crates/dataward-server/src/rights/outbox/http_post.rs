//! One JSON POST over HTTP(S) for the outbox (client webhooks, the SMS gateway): hyper's client
//! with rustls (ring, Mozilla's roots via webpki-roots), a 20-second limit, any 2xx accepted.
//! Error texts name the status or the failure, never the body sent.

use std::sync::OnceLock;
use std::time::Duration;

use http_body_util::Full;
use hyper::Request;
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

type HttpsClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// One client per process: it pools connections per host.
fn client() -> &'static HttpsClient {
    static CLIENT: OnceLock<HttpsClient> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let connector =
            hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots().https_or_http().enable_http1().build();
        Client::builder(TokioExecutor::new()).build(connector)
    })
}

/// POSTs `body` as `application/json` to `url` (whose scheme and host were checked when it was
/// configured), with a bearer token and extra headers.
pub(super) async fn post_json(
    url: &str,
    bearer: Option<&str>,
    headers: &[(&str, String)],
    body: String,
) -> Result<(), String> {
    let mut request = Request::post(url).header("content-type", "application/json").header("user-agent", "dataward");
    if let Some(token) = bearer {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    for (name, value) in headers {
        request = request.header(*name, value);
    }
    let request = request.body(Full::new(Bytes::from(body))).map_err(|e| format!("bad request for the URL: {e}"))?;
    let response = tokio::time::timeout(Duration::from_secs(20), client().request(request))
        .await
        .map_err(|_| "no answer within 20 seconds".to_string())?
        .map_err(|e| format!("HTTP: {e}"))?;
    let status = response.status();
    if status.is_success() { Ok(()) } else { Err(format!("HTTP status {status}")) }
}
