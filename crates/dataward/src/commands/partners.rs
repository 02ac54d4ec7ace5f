//! `dataward partner add|list|show`.

use anyhow::Result;
use dataward_core::partner::Channel;
use dataward_store::partners::NewPartner;

use crate::cli::{Global, PartnerCommand};
use crate::config;

pub async fn run(global: &Global, cmd: PartnerCommand) -> Result<()> {
    let profile = config::load_profile(&global.profile)?;
    let store = config::open_store(global).await?;
    match cmd {
        PartnerCommand::Add { name, channel, retention_days } => {
            let channel = Channel::parse(&channel)?;
            let new =
                NewPartner { name, channel, retention_days: retention_days.unwrap_or(profile.default_retention_days) };
            let (partner, key) = store.add_partner(&new, config::now()?).await?;
            println!(
                "partner {} added ({}, retention {} days)",
                partner.name,
                partner.channel.as_str(),
                partner.retention_days
            );
            println!("API key (shown once, store it now): {}", key.reveal());
        }
        PartnerCommand::List { json } => {
            let partners = store.list_partners().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&partners)?);
            } else {
                println!("{:<24} {:<16} {:>9} {:<10} {:>9}", "NAME", "CHANNEL", "RETENTION", "STATUS", "RECORDS");
                for p in partners {
                    let records = store.partner_record_count(&p.id).await?;
                    println!(
                        "{:<24} {:<16} {:>8}d {:<10} {:>9}",
                        p.name,
                        p.channel.as_str(),
                        p.retention_days,
                        p.status.as_str(),
                        records
                    );
                }
            }
        }
        PartnerCommand::Show { name, json } => {
            let partner = store.partner_by_name(&name).await?;
            let records = store.partner_record_count(&partner.id).await?;
            let batches = store.batches(Some(&partner.id)).await?;
            if json {
                let value = serde_json::json!({ "partner": partner, "records": records, "batches": batches });
                println!("{}", serde_json::to_string_pretty(&value)?);
            } else {
                println!("name:       {}", partner.name);
                println!("id:         {}", partner.id);
                println!("channel:    {}", partner.channel.as_str());
                println!("retention:  {} days", partner.retention_days);
                println!("status:     {}", partner.status.as_str());
                if let Some(at) = &partner.withdrawn_at {
                    println!(
                        "withdrawn:  {at}{}",
                        partner.withdrawal_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
                    );
                }
                if let Some(at) = &partner.purged_at {
                    println!("purged:     {at}");
                }
                println!("created:    {}", partner.created_at);
                println!("records:    {records}");
                println!("batches:    {}", batches.len());
                for b in batches.iter().take(10) {
                    println!(
                        "  {} {} {} read {} accepted {} quarantined {}",
                        b.received_at, b.id, b.mode, b.rows_read, b.rows_accepted, b.rows_quarantined
                    );
                }
            }
        }
        PartnerCommand::Withdraw { name, reason } => {
            let now = config::now()?;
            let partner =
                store.withdraw_partner(&name, reason.as_deref(), now, dataward_core::audit::Actor::Cli).await?;
            let ends =
                dataward_core::lifecycle::retention::withdrawal_hold_ends(now, profile.departed_partner_hold_days);
            let records = store.partner_record_count(&partner.id).await?;
            println!("partner {} withdrawn at {now}: nothing of it is released from now on", partner.name);
            println!(
                "its {records} records are held for rights fulfilment only until {ends} ({} days), then purged",
                profile.departed_partner_hold_days
            );
        }
    }
    store.close().await;
    Ok(())
}
