//! Client authentication: `Authorization: Bearer dwc_...` checked against the store.
//!
//! Argon2 verification is deliberately slow (tens of milliseconds), too slow to pay on every
//! call of an API answered in milliseconds. A key that verified is remembered for
//! [`CACHE_TTL`] under its SHA-256 digest (never the key itself) as the id of its client, so a
//! client's next calls skip Argon2. The client itself (contracted purposes, volume, status) is
//! read from the store on every call, so a contract change or a suspended client takes effect at
//! once; a replaced key stops working within the cache time. Wrong keys are never cached and
//! always cost a full verification.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use dataward_store::clients::Client;
use sha2::{Digest, Sha256};

use crate::auth::bearer_token;
use crate::error::AppError;
use crate::state::AppState;

/// How long a verified key is trusted without asking the store again.
pub const CACHE_TTL: Duration = Duration::from_secs(60);

/// The client whose API key authenticated this request.
#[derive(Debug, Clone)]
pub struct AuthenticatedClient(pub Client);

type Cache = Mutex<HashMap<[u8; 32], (String, Instant)>>;

static VERIFIED: LazyLock<Cache> = LazyLock::new(|| Mutex::new(HashMap::new()));

impl FromRequestParts<AppState> for AuthenticatedClient {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let key = bearer_token(&parts.headers).ok_or(AppError::Unauthorized)?.to_owned();
        if !key.starts_with("dwc_") {
            return Err(AppError::Unauthorized);
        }
        let digest: [u8; 32] = Sha256::digest(key.as_bytes()).into();
        let cached = VERIFIED
            .lock()
            .expect("cache lock")
            .get(&digest)
            .filter(|(_, at)| at.elapsed() < CACHE_TTL)
            .map(|(id, _)| id.clone());
        if let Some(id) = cached {
            let client = state.store.client_by_id(&id).await?.ok_or(AppError::Unauthorized)?;
            return active(client);
        }
        let store = state.store.clone();
        let runtime = tokio::runtime::Handle::current();
        let found = tokio::task::spawn_blocking(move || runtime.block_on(store.client_by_key(&key)))
            .await
            .map_err(AppError::internal)??;
        let client = found.ok_or(AppError::Unauthorized)?;
        let mut cache = VERIFIED.lock().expect("cache lock");
        cache.retain(|_, (_, at)| at.elapsed() < CACHE_TTL);
        cache.insert(digest, (client.id.clone(), Instant::now()));
        drop(cache);
        active(client)
    }
}

/// Only an active client may call.
fn active(client: Client) -> Result<AuthenticatedClient, AppError> {
    if client.status == "active" { Ok(AuthenticatedClient(client)) } else { Err(AppError::Unauthorized) }
}
