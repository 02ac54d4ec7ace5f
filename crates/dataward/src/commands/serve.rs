//! `dataward serve`: the HTTP server until Ctrl-C or SIGTERM.

use std::sync::Arc;

use anyhow::{Context, Result};
use dataward_server::ServerConfig;
use dataward_server::state::{AppState, SystemClock};

use crate::cli::{Global, ServeArgs};
use crate::config;

pub async fn run(global: &Global, args: ServeArgs) -> Result<()> {
    let profile = config::load_profile(&global.profile)?;
    let store = config::open_store(global).await?;
    let public_url = args.public_url.clone().unwrap_or_else(|| format!("http://{}", args.listen));
    let config = ServerConfig { secure_cookies: !args.insecure_cookies, public_url, ..ServerConfig::default() };
    if args.insecure_cookies {
        tracing::warn!("console cookies are not Secure: use this only for plain-HTTP local runs");
    }
    serve_store(store, profile, args.listen, config).await
}

/// Serves an opened store; shared with the demo.
pub async fn serve_store(
    store: dataward_store::Store,
    profile: Arc<dataward_core::profile::Profile>,
    listen: std::net::SocketAddr,
    config: ServerConfig,
) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    let state = AppState { store: store.clone(), profile, clock: Arc::new(SystemClock) };
    tracing::info!(address = %listener.local_addr()?, backend = store.backend().as_str(), "dataward serving");
    // Codes and rights notices leave through the outbox (SMTP, the SMS gateway, client webhooks).
    let mail = crate::config::outbox_settings(
        std::env::var("DATAWARD_SMTP_URL").ok(),
        std::env::var("DATAWARD_MAIL_FROM")
            .unwrap_or_else(|_| dataward_server::rights::outbox::OutboxSettings::default().from),
        std::env::var("DATAWARD_SMS_URL").ok(),
    );
    let outbox = tokio::spawn(dataward_server::rights::outbox::outbox_loop(state.clone(), mail));
    dataward_server::serve_with(listener, state, config, shutdown_signal()).await?;
    outbox.abort();
    store.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
