//! `dataward batches`: what was loaded, and why rows were quarantined.

use anyhow::Result;

use crate::cli::{BatchesArgs, Global};
use crate::config;

pub async fn run(global: &Global, args: BatchesArgs) -> Result<()> {
    let store = config::open_store(global).await?;
    if let Some(batch) = &args.quarantine {
        let rows = store.quarantine(batch).await?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&rows)?);
        } else {
            println!("{:>8}  {:<24} {:<26} DETAIL", "LINE", "FIELD", "REASON");
            for q in rows {
                println!("{:>8}  {:<24} {:<26} {}", q.line, q.field.as_deref().unwrap_or("-"), q.reason, q.detail);
            }
        }
    } else {
        let partner_id = match &args.partner {
            Some(name) => Some(store.partner_by_name(name).await?.id),
            None => None,
        };
        let batches = store.batches(partner_id.as_deref()).await?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&batches)?);
        } else {
            println!(
                "{:<36} {:<18} {:<8} {:>9} {:>9} {:>9}  RECEIVED",
                "BATCH", "PARTNER", "MODE", "READ", "ACCEPTED", "QUARANT."
            );
            for b in batches {
                println!(
                    "{:<36} {:<18} {:<8} {:>9} {:>9} {:>9}  {}",
                    b.id, b.partner, b.mode, b.rows_read, b.rows_accepted, b.rows_quarantined, b.received_at
                );
            }
        }
    }
    store.close().await;
    Ok(())
}
