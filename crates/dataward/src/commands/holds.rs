//! `dataward hold add|list|lift`: legal holds that keep records past any purge.

use anyhow::Result;
use dataward_store::lifecycle::holds::{HoldSubject, LegalHold};

use crate::cli::{Global, HoldAddArgs, HoldCommand};
use crate::config;

fn describe(h: &LegalHold) -> String {
    let target = match &h.partner {
        Some(name) => format!("partner {name}"),
        None => format!("{} {}", h.target.kind(), h.target.id()),
    };
    let lifted = match (&h.lifted_at, &h.lift_reason) {
        (Some(at), reason) => format!(" — lifted {at}: {}", reason.as_deref().unwrap_or("")),
        _ => String::new(),
    };
    format!("{} {} since {}: {}{lifted}", h.id, target, h.created_at, h.reason)
}

pub async fn run(global: &Global, cmd: HoldCommand) -> Result<()> {
    let store = config::open_store(global).await?;
    match cmd {
        HoldCommand::Add(HoldAddArgs { person, partner, reason }) => {
            let subject = match (person, partner) {
                (Some(id), _) => HoldSubject::PersonId(id),
                (None, Some(name)) => HoldSubject::PartnerName(name),
                (None, None) => unreachable!("clap requires --person or --partner"),
            };
            let hold = store.add_hold(&subject, &reason, config::now()?, dataward_core::audit::Actor::Cli).await?;
            println!("legal hold placed: {}", describe(&hold));
        }
        HoldCommand::List { all, json } => {
            let holds = store.list_holds(all).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&holds)?);
            } else if holds.is_empty() {
                println!("no legal holds{}", if all { "" } else { " in force" });
            } else {
                for h in &holds {
                    println!("{}", describe(h));
                }
            }
        }
        HoldCommand::Lift { hold_id, reason } => {
            let hold = store.lift_hold(&hold_id, &reason, config::now()?, dataward_core::audit::Actor::Cli).await?;
            println!("legal hold lifted: {}", describe(&hold));
        }
    }
    store.close().await;
    Ok(())
}
