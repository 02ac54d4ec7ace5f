//! Delivering the notification outbox: email over SMTP with lettre, retried with back-off, given
//! up (and shown as failed to the DPO) after the last attempt. `try_deliver` is one pass, so
//! tests drain it deterministically; `outbox_loop` runs it inside `dataward serve`.

use std::time::Duration;

use dataward_store::Store;
use dataward_store::rights::Notification;
use jiff::{SignedDuration, Timestamp};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::state::AppState;

/// Where mail goes and who it is from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailSettings {
    /// `smtp://host:port` (plain, for a local relay), `smtp://host:587?tls=required` (STARTTLS)
    /// or `smtps://user:pass@host` (lettre's URL forms). `None`: nothing is sent and
    /// notifications wait in the outbox.
    pub smtp_url: Option<String>,
    pub from: String,
}

impl Default for MailSettings {
    fn default() -> Self {
        MailSettings { smtp_url: None, from: "dataward <privacy@dataward.invalid>".into() }
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

async fn send(settings: &MailSettings, url: &str, n: &Notification) -> Result<(), String> {
    if n.channel != "email" {
        return Err(format!("no delivery for channel `{}`", n.channel));
    }
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

/// Sends every notification due now; failures are retried later or given up.
pub async fn try_deliver(
    store: &Store,
    settings: &MailSettings,
    now: Timestamp,
) -> Result<Delivered, dataward_store::StoreError> {
    let Some(url) = settings.smtp_url.as_deref() else { return Ok(Delivered::default()) };
    let mut done = Delivered::default();
    for n in store.due_notifications(now, 50).await? {
        match send(settings, url, &n).await {
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
pub async fn outbox_loop(state: AppState, settings: MailSettings) {
    if settings.smtp_url.is_none() {
        tracing::warn!("no SMTP server configured (DATAWARD_SMTP_URL): notifications wait in the outbox");
        return;
    }
    loop {
        if let Err(error) = try_deliver(&state.store, &settings, state.clock.now()).await {
            tracing::error!(%error, "outbox pass failed");
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
}
