//! Delivering the notification outbox: email over SMTP with lettre, SMS through the provider's
//! HTTP gateway and client webhooks (signed JSON over HTTPS), retried with back-off, given
//! up (and shown as failed to the DPO) after the last attempt. `try_deliver` is one pass, so
//! tests drain it deterministically; `outbox_loop` runs it inside `dataward serve`.

use std::time::Duration;

use dataward_core::keys::Indexer;
use dataward_store::Store;
use dataward_store::rights::Notification;
use hmac::{Hmac, KeyInit, Mac};
use jiff::{SignedDuration, Timestamp};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sha2::Sha256;

use crate::state::AppState;

mod http_post;

/// How the outbox reaches people: email over SMTP, SMS through an HTTP gateway, and client
/// webhooks (always on: each client's URL is its own setting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxSettings {
    /// `smtp://host:port` (plain, for a local relay), `smtp://host:587?tls=required` (STARTTLS)
    /// or `smtps://user:pass@host` (lettre's URL forms). `None`: email waits in the outbox.
    pub smtp_url: Option<String>,
    pub from: String,
    /// The outbound SMS provider. `None`: text messages wait in the outbox.
    pub sms: Option<SmsGateway>,
}

/// An SMS provider's HTTP interface: dataward POSTs `{"to": "+447…", "text": "…"}` as JSON to
/// `url` with `Authorization: Bearer <token>`; any 2xx is accepted as sent. Providers with
/// another shape sit behind a small relay speaking this one.
#[derive(Clone, PartialEq, Eq)]
pub struct SmsGateway {
    pub url: String,
    pub token: Option<String>,
}

impl std::fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SmsGateway({}, token: {})", self.url, if self.token.is_some() { "<redacted>" } else { "none" })
    }
}

impl Default for OutboxSettings {
    fn default() -> Self {
        OutboxSettings { smtp_url: None, from: "dataward <privacy@dataward.invalid>".into(), sms: None }
    }
}

impl OutboxSettings {
    /// The channels this deployment can deliver now.
    pub fn channels(&self) -> Vec<&'static str> {
        let mut channels = vec!["webhook"];
        if self.smtp_url.is_some() {
            channels.push("email");
        }
        if self.sms.is_some() {
            channels.push("sms");
        }
        channels
    }
}

/// Minutes to wait after each failed attempt; after the last, the notification is given up.
const BACKOFF_MINUTES: [i64; 6] = [1, 5, 30, 120, 720, 1440];

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    pub sent: usize,
    pub failed: usize,
}

async fn send(settings: &OutboxSettings, store: &Store, n: &Notification) -> Result<(), String> {
    match n.channel.as_str() {
        "email" => send_email(settings, n).await,
        "webhook" => {
            let client = n.recipient_id.as_deref().ok_or("a webhook notice names no client")?;
            let signature = webhook_signature(store.indexer(), client, n.body.as_bytes());
            let headers = [("x-dataward-signature", format!("sha256={signature}"))];
            http_post::post_json(&n.address, None, &headers, n.body.clone()).await
        }
        "sms" => {
            let gateway = settings.sms.as_ref().ok_or("no SMS gateway configured")?;
            let body = serde_json::json!({ "to": n.address, "text": n.body }).to_string();
            http_post::post_json(&gateway.url, gateway.token.as_deref(), &[], body).await
        }
        other => Err(format!("no delivery for channel `{other}`")),
    }
}

async fn send_email(settings: &OutboxSettings, n: &Notification) -> Result<(), String> {
    let url = settings.smtp_url.as_deref().ok_or("no SMTP server configured")?;
    let from: Mailbox = settings.from.parse().map_err(|e| format!("bad sender address: {e}"))?;
    let to: Mailbox = n.address.parse().map_err(|_| "the recipient address is not valid".to_string())?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(n.subject.clone())
        .body(n.body.clone())
        .map_err(|e| format!("message not built: {e}"))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| format!("bad SMTP URL: {e}"))?
        .timeout(Some(Duration::from_secs(20)))
        .build();
    transport.send(message).await.map(|_| ()).map_err(|e| format!("SMTP: {e}"))
}

/// The key a client verifies its webhook notices with: derived from the deployment's secret and
/// the client id, so it needs no storage and `dataward client notify` can show it.
pub fn webhook_signing_key(indexer: &Indexer, client_id: &str) -> String {
    hex::encode(indexer.digest("webhook-signing-key", client_id).as_ref())
}

/// HMAC-SHA256 of the body under the client's signing key, in hex.
fn webhook_signature(indexer: &Indexer, client_id: &str, body: &[u8]) -> String {
    let key = webhook_signing_key(indexer, client_id);
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Sends every notification due now; failures are retried later or given up.
pub async fn try_deliver(
    store: &Store,
    settings: &OutboxSettings,
    now: Timestamp,
) -> Result<Delivered, dataward_store::StoreError> {
    let mut done = Delivered::default();
    for n in store.due_notifications(now, 50, &settings.channels()).await? {
        match send(settings, store, &n).await {
            Ok(()) => {
                store.notification_sent(&n.id, now).await?;
                done.sent += 1;
            }
            Err(error) => {
                let retry = BACKOFF_MINUTES.get(n.attempts as usize).map(|m| now + SignedDuration::from_mins(*m));
                tracing::warn!(notification = %n.id, attempts = n.attempts + 1, given_up = retry.is_none(), %error, "notification not delivered");
                store.notification_failed(&n.id, &error, retry).await?;
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// Delivers the outbox every few seconds until the task is dropped.
pub async fn outbox_loop(state: AppState, settings: OutboxSettings) {
    if settings.smtp_url.is_none() {
        tracing::warn!("no SMTP server configured (DATAWARD_SMTP_URL): emails wait in the outbox");
    }
    if settings.sms.is_none() {
        tracing::warn!("no SMS gateway configured (DATAWARD_SMS_URL): text messages wait in the outbox");
    }
    loop {
        if let Err(error) = try_deliver(&state.store, &settings, state.clock.now()).await {
            tracing::error!(%error, "outbox pass failed");
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}
