//! `dataward audit list|verify`: the hash-chained audit log.

use anyhow::{Result, bail};

use crate::cli::{AuditCommand, Global};
use crate::config;

pub async fn run(global: &Global, cmd: AuditCommand) -> Result<()> {
    let store = config::open_store(global).await?;
    let result = match cmd {
        AuditCommand::List { json } => list(&store, json).await,
        AuditCommand::Verify { json } => verify(&store, json).await,
    };
    store.close().await;
    result
}

async fn list(store: &dataward_store::Store, json: bool) -> Result<()> {
    let entries = store.audit_entries().await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&entries)?);
        return Ok(());
    }
    println!("{:>6} {:<27} {:<44} {:<18} {:<36} DETAIL", "SEQ", "AT", "ACTOR", "ACTION", "TARGET");
    for e in entries {
        println!("{:>6} {:<27} {:<44} {:<18} {:<36} {}", e.seq, e.at, e.actor, e.action, e.target, e.detail);
    }
    Ok(())
}

async fn verify(store: &dataward_store::Store, json: bool) -> Result<()> {
    let v = store.verify_audit().await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    }
    match &v.first_break {
        Some(problem) => {
            bail!("the audit chain is broken: {problem} ({} entries read, head {})", v.entries, v.head_seq)
        }
        None => {
            if !json {
                println!("audit chain intact: {} entries, head {} {}", v.entries, v.head_seq, v.head_hash);
            }
            Ok(())
        }
    }
}
