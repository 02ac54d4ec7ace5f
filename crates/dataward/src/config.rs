//! Resolving configuration: the profile, the server secret, the store, the clock, logging.
//!
//! Secrets come from configuration: `DATAWARD_SECRET` (hex) or the secret file, and the master
//! key of encryption at rest from `DATAWARD_MASTER_KEY` (hex) or the master-key file; both files
//! are created with owner-only permissions on first use. Opening a store also claims or checks
//! its storage region against the profile's. Time comes from `DATAWARD_NOW` (RFC 3339) when set,
//! so lifecycle behaviour can be exercised with a moved clock.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use dataward_core::keys::{Indexer, MIN_SECRET_LEN};
use dataward_core::profile::Profile;
use dataward_store::{MasterKey, Store};
use jiff::Timestamp;
use jiff::civil::Date;

use crate::cli::{Global, LogFormat};

/// Logs go to stderr; they carry ids, counts and reason codes, never personal values.
pub fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("DATAWARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=error"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Loads the profile named by `--profile`: a shipped name or a TOML file path.
pub fn load_profile(spec: &str) -> Result<Arc<Profile>> {
    if let Some(builtin) = Profile::builtin(spec) {
        return Ok(Arc::new(builtin?));
    }
    let text = std::fs::read_to_string(spec).with_context(|| {
        format!("`{spec}` is neither a shipped profile (data-broker, messaging-processor, email-platform, telecom-provider, web-analytics) nor a readable file")
    })?;
    Ok(Arc::new(Profile::from_toml(spec, &text)?))
}

/// The server secret: `DATAWARD_SECRET` as hex, else the secret file (created if missing).
pub fn load_secret(secret_file: &Path) -> Result<Indexer> {
    if let Ok(hex_secret) = std::env::var("DATAWARD_SECRET") {
        let bytes = hex::decode(hex_secret.trim()).context("DATAWARD_SECRET must be hex")?;
        return Ok(Indexer::new(&bytes)?);
    }
    if !secret_file.exists() {
        create_key_file(secret_file, "server secret")?;
    }
    let text = std::fs::read_to_string(secret_file).with_context(|| format!("reading {}", secret_file.display()))?;
    let bytes = hex::decode(text.trim()).with_context(|| format!("{} must hold hex", secret_file.display()))?;
    if bytes.len() < MIN_SECRET_LEN {
        bail!("{} holds {} bytes; at least {MIN_SECRET_LEN} are needed", secret_file.display(), bytes.len());
    }
    Ok(Indexer::new(&bytes)?)
}

/// The master key: `DATAWARD_MASTER_KEY` as hex, else the key file (created if missing).
pub fn load_master_key(key_file: &Path) -> Result<MasterKey> {
    if let Ok(hex_key) = std::env::var("DATAWARD_MASTER_KEY") {
        let bytes = hex::decode(hex_key.trim()).context("DATAWARD_MASTER_KEY must be hex")?;
        return MasterKey::from_bytes(&bytes).context("DATAWARD_MASTER_KEY");
    }
    if !key_file.exists() {
        create_key_file(key_file, "master key")?;
    }
    read_master_key_file(key_file)
}

/// Reads a master-key file (64 hex characters).
pub fn read_master_key_file(key_file: &Path) -> Result<MasterKey> {
    let text = std::fs::read_to_string(key_file).with_context(|| format!("reading {}", key_file.display()))?;
    let bytes = hex::decode(text.trim()).with_context(|| format!("{} must hold hex", key_file.display()))?;
    MasterKey::from_bytes(&bytes).with_context(|| key_file.display().to_string())
}

/// Writes `key` to a new file readable only by its owner.
pub fn write_master_key_file(path: &Path, key: &MasterKey) -> Result<()> {
    let mut file = new_private_file(path)?;
    writeln!(file, "{}", key.to_hex())?;
    file.sync_all()?;
    Ok(())
}

fn create_key_file(path: &Path, what: &str) -> Result<()> {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
    let mut file = new_private_file(path)?;
    writeln!(file, "{}", hex::encode(secret))?;
    tracing::info!(path = %path.display(), "created a new {what}");
    Ok(())
}

/// Creates `path` (which must not exist) with owner-only permissions, and its directory.
fn new_private_file(path: &Path) -> Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    options.open(path).with_context(|| format!("creating {}", path.display()))
}

/// Opens the store named by `--database-url` with the configured secret and master key, and
/// claims or checks its storage region against the profile's.
pub async fn open_store(global: &Global) -> Result<Store> {
    let master = load_master_key(&global.master_key_file)?;
    open_store_with(global, master).await
}

/// [`open_store`] with a given master key.
pub async fn open_store_with(global: &Global, master: MasterKey) -> Result<Store> {
    let profile = load_profile(&global.profile)?;
    let indexer = load_secret(&global.secret_file)?;
    open_url(&global.database_url, indexer, master, &profile.region, global.ingest_cache_mib).await
}

/// Opens the store at `url` (with the given ingest page cache) and claims or checks its
/// storage region.
pub async fn open_url(
    url: &str,
    indexer: Indexer,
    master: MasterKey,
    region: &str,
    ingest_cache_mib: u32,
) -> Result<Store> {
    let shown = dataward_store::store::redact_url(url);
    let store = Store::open(url, indexer, master)
        .await
        .with_context(|| format!("opening the store at {shown}"))?
        .with_ingest_cache_mib(ingest_cache_mib);
    store.claim_region(region).await.with_context(|| format!("opening the store at {shown}"))?;
    Ok(store)
}

/// Now: `DATAWARD_NOW` when set (RFC 3339), else the system clock.
pub fn now() -> Result<Timestamp> {
    match std::env::var("DATAWARD_NOW") {
        Ok(text) => text.parse().with_context(|| format!("DATAWARD_NOW `{text}` is not an RFC 3339 time")),
        Err(_) => Ok(Timestamp::now()),
    }
}

/// Today's date in the UK for a given instant.
pub fn uk_date(now: Timestamp) -> Date {
    match jiff::tz::TimeZone::get("Europe/London") {
        Ok(tz) => now.to_zoned(tz).date(),
        Err(_) => now.to_zoned(jiff::tz::TimeZone::UTC).date(),
    }
}

/// The outbox's delivery settings; empty values count as unset. The SMS gateway's token comes
/// from `DATAWARD_SMS_TOKEN` only (never a flag, so it stays out of process listings).
pub fn outbox_settings(
    smtp_url: Option<String>,
    from: String,
    sms_url: Option<String>,
) -> dataward_server::rights::outbox::OutboxSettings {
    let set = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    dataward_server::rights::outbox::OutboxSettings {
        smtp_url: set(smtp_url),
        from,
        sms: set(sms_url).map(|url| dataward_server::rights::outbox::SmsGateway {
            url,
            token: set(std::env::var("DATAWARD_SMS_TOKEN").ok()),
        }),
    }
}
