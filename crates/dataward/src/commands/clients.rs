//! `dataward client add|list|show|notify`.

use anyhow::{Result, anyhow, bail};
use dataward_core::normalise::Email;
use dataward_core::rights::check_webhook_url;
use dataward_core::taxonomy::Purpose;

use crate::cli::{ClientCommand, Global};
use crate::config;

pub async fn run(global: &Global, cmd: ClientCommand) -> Result<()> {
    let profile = config::load_profile(&global.profile)?;
    let store = config::open_store(global).await?;
    match cmd {
        ClientCommand::Add { name, purposes, extract_limit } => {
            let mut parsed = Vec::new();
            for p in &purposes {
                let Some(purpose) = Purpose::parse(p.trim()) else { bail!("unknown purpose `{p}`") };
                if !profile.purposes.contains(&purpose) {
                    let offered: Vec<_> = profile.purposes.iter().map(|p| p.as_str()).collect();
                    bail!(
                        "profile `{}` does not offer purpose `{purpose}`; it offers: {}",
                        profile.name,
                        offered.join(", ")
                    );
                }
                parsed.push(purpose);
            }
            if extract_limit < 0 {
                bail!("--extract-limit must be 0 or more");
            }
            let (_, key) = store.add_client(&name, &parsed, config::now()?).await?;
            let client = store.set_client_extract_limit(&name, extract_limit).await?;
            let list: Vec<_> = client.purposes.iter().map(|p| p.as_str()).collect();
            println!("client {} added (purposes: {})", client.name, list.join(", "));
            println!("API key (shown once, store it now): {}", key.reveal());
        }
        ClientCommand::List { json } => {
            let clients = store.list_clients().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&clients)?);
            } else {
                println!("{:<24} {:<8} PURPOSES", "NAME", "STATUS");
                for c in clients {
                    let list: Vec<_> = c.purposes.iter().map(|p| p.as_str()).collect();
                    println!("{:<24} {:<8} {}", c.name, c.status, list.join(", "));
                }
            }
        }
        ClientCommand::Show { name, json } => {
            let client = store.client_by_name(&name).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&client)?);
            } else {
                let list: Vec<_> = client.purposes.iter().map(|p| p.as_str()).collect();
                println!(
                    "name:     {}\nid:       {}\nstatus:   {}\ncreated:  {}\npurposes: {}\nnotices:  {}",
                    client.name,
                    client.id,
                    client.status,
                    client.created_at,
                    list.join(", "),
                    notice_targets(client.notify_email.as_deref(), client.notify_webhook.as_deref())
                );
            }
        }
        ClientCommand::Notify { name, email, webhook, clear } => {
            if !clear && email.is_none() && webhook.is_none() {
                bail!("give --email, --webhook or both (or --clear)");
            }
            let email = email
                .map(|e| {
                    Email::parse(&e)
                        .map(|e| e.as_str().to_string())
                        .map_err(|_| anyhow!("`{e}` is not an email address"))
                })
                .transpose()?;
            let webhook = webhook.map(|w| check_webhook_url(&w).map_err(|e| anyhow!(e))).transpose()?;
            store.set_client_notify(&name, email.as_deref(), webhook.as_deref(), config::now()?).await?;
            println!("client {name}: notices to {}", notice_targets(email.as_deref(), webhook.as_deref()));
            if webhook.is_some() {
                let client = store.client_by_name(&name).await?;
                let key = dataward_server::rights::outbox::webhook_signing_key(store.indexer(), &client.id);
                println!(
                    "webhook signing key (give it to the client): {key}\n  each POST carries x-dataward-signature: sha256=HMAC-SHA256(key, body) in hex"
                );
            }
        }
    }
    store.close().await;
    Ok(())
}

fn notice_targets(email: Option<&str>, webhook: Option<&str>) -> String {
    match (email, webhook) {
        (None, None) => "nowhere (Art. 19 notices are listed as undeliverable)".into(),
        (Some(e), None) => e.into(),
        (None, Some(w)) => w.into(),
        (Some(e), Some(w)) => format!("{e} and {w}"),
    }
}
