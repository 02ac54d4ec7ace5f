//! `dataward rights` and `dataward outbox`: the DPO's tools for data-subject rights — the queue,
//! intake by post or phone, verification, matching, completion, refusal, extension — and the
//! access report of a person (values by source, uses and bases, recipients, retention, rights).

use anyhow::{Result, bail};
use dataward_core::normalise::Email;
use dataward_core::rights::report::{Recipient, access_report};
use dataward_store::release::LedgerFilter;

use crate::cli::{Global, RightsCommand};
use crate::config;

pub async fn run(global: &Global, cmd: RightsCommand) -> Result<()> {
    let RightsCommand::Report { person, email, json } = cmd else {
        return super::rights_requests::run(global, cmd).await;
    };
    let profile = config::load_profile(&global.profile)?;
    let store = config::open_store(global).await?;
    let person = match (person, email) {
        (Some(p), _) => p,
        (None, Some(e)) => {
            let Ok(email) = Email::parse(&e) else { bail!("`{e}` is not an email address") };
            let found = store.persons_with_value("email", email.as_str()).await?;
            match found.as_slice() {
                [one] => one.clone(),
                [] => bail!("no person holds that email address"),
                many => bail!("{} persons hold that email address; give --person", many.len()),
            }
        }
        (None, None) => bail!("give --person or --email"),
    };
    let held = store.held_facts(&person).await?;
    if held.is_empty() {
        bail!("nothing is held about person {person}");
    }
    let ledger = store.ledger(&LedgerFilter { person_id: Some(person.clone()), ..LedgerFilter::default() }).await?;
    store.close().await;
    let recipients: Vec<Recipient> = ledger
        .into_iter()
        .map(|l| Recipient { client: l.client, purpose: l.purpose, category: l.category, at: l.at })
        .collect();
    let report = access_report(&profile, &held, &recipients);
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    println!("What we hold about you (person {person})\n");
    for s in &report.sources {
        println!(
            "From {} ({}), received {}{}; kept {} days from receipt:",
            s.partner,
            s.channel,
            s.received_at,
            s.collected_on.as_deref().map(|c| format!(", collected {c}")).unwrap_or_default(),
            s.retention_days
        );
        for (field, value) in &s.values {
            println!("  {field:<24} {value}");
        }
    }
    println!("\nWhat it may be used for:");
    for u in &report.uses {
        let conditions =
            if u.conditions.is_empty() { String::new() } else { format!(" (only if {})", u.conditions.join(", ")) };
        println!("  {:<40} {:<28} on {}{}", u.category, u.purpose, u.basis, conditions);
    }
    println!("\nWho received it:");
    if report.recipients.is_empty() {
        println!("  no one");
    }
    for r in &report.recipients {
        println!("  {} ({}) received {} on {}", r.client, r.purpose, r.category, r.at);
    }
    println!("\nYour rights (we answer within {}):", report.response_period);
    for r in &report.rights {
        println!("  - {r}");
    }
    println!("\n{}", report.complaints);
    Ok(())
}

pub use super::rights_requests::outbox;
