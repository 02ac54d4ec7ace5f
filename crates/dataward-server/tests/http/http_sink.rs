//! A real HTTP server for tests, on 127.0.0.1, standing in for a client's webhook endpoint or an
//! SMS provider's gateway: it keeps every POST (path, headers, body) and answers 200.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::HeaderMap;
use axum::routing::post;

/// One received POST.
#[derive(Debug, Clone)]
pub struct Posted {
    pub path: String,
    pub headers: HeaderMap,
    pub body: String,
}

impl Posted {
    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Clone)]
pub struct HttpSink {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Posted>>>,
}

impl HttpSink {
    pub async fn start() -> HttpSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received: Arc<Mutex<Vec<Posted>>> = Arc::default();
        let kept = received.clone();
        let app = axum::Router::new().route(
            "/{*path}",
            post(move |uri: axum::http::Uri, headers: HeaderMap, body: Bytes| {
                let kept = kept.clone();
                async move {
                    let body = String::from_utf8_lossy(&body).into_owned();
                    kept.lock().unwrap().push(Posted { path: uri.path().to_string(), headers, body });
                    "ok"
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        HttpSink { port, received }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn posts(&self) -> Vec<Posted> {
        self.received.lock().unwrap().clone()
    }
}
