//! `dataward ledger` and `dataward explain`: who received which kind of data about whom, from
//! which partner, on what basis; and why each value of a request was released or withheld.
//! Both show ids, categories and reason codes, never a value.

use anyhow::{Result, bail};
use dataward_store::release::LedgerFilter;

use crate::cli::{Global, LedgerArgs};
use crate::config;

pub async fn run(global: &Global, args: LedgerArgs) -> Result<()> {
    let store = config::open_store(global).await?;
    let client_id = match &args.client {
        Some(name) => Some(store.client_by_name(name).await?.id),
        None => None,
    };
    let partner_id = match &args.partner {
        Some(name) => Some(store.partner_by_name(name).await?.id),
        None => None,
    };
    for t in [&args.from, &args.to].into_iter().flatten() {
        if t.parse::<jiff::Timestamp>().is_err() {
            bail!("`{t}` is not an RFC 3339 time (e.g. 2026-11-01T00:00:00Z)");
        }
    }
    let filter = LedgerFilter {
        person_id: args.person,
        client_id,
        partner_id,
        request_id: args.request,
        from: args.from,
        to: args.to,
    };
    let rows = store.ledger(&filter).await?;
    store.close().await;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    println!(
        "{:<32} {:<16} {:<20} {:<21} {:<36} {:<32} {:<13} PARTNER",
        "AT", "CLIENT", "PURPOSE", "BASIS", "PERSON", "CATEGORY", "DISCLOSURE"
    );
    for r in &rows {
        println!(
            "{:<32} {:<16} {:<20} {:<21} {:<36} {:<32} {:<13} {}",
            r.at, r.client, r.purpose, r.basis, r.person_id, r.category, r.disclosure, r.partner
        );
    }
    println!("{} disclosure(s)", rows.len());
    Ok(())
}

pub async fn explain(global: &Global, request_id: &str, json: bool) -> Result<()> {
    let store = config::open_store(global).await?;
    let found = store.explain_request(request_id, None).await?;
    store.close().await;
    let Some((request, decisions)) = found else { bail!("no client request {request_id}") };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "request": request, "decisions": decisions }))?
        );
        return Ok(());
    }
    println!(
        "request {} ({}) by client {} for {} at {}: match {}{}",
        request.id,
        request.kind,
        request.client_id,
        request.purpose,
        request.at,
        request.band,
        request.person_id.as_deref().map(|p| format!(", person {p}")).unwrap_or_default()
    );
    for d in &decisions {
        let outcome = match (&d.basis, &d.reason) {
            (Some(b), _) => format!("released on {b}"),
            (_, Some(r)) => format!("withheld: {r}"),
            _ => d.decision.clone(),
        };
        let failed = d.checks.failed();
        println!(
            "  {:<22} {:<32} from {:<18} {}{}",
            d.field,
            d.category,
            d.partner,
            outcome,
            if failed.is_empty() { String::new() } else { format!(" (failed: {})", failed.join(", ")) }
        );
    }
    if decisions.is_empty() {
        println!("  no value was considered (no person matched at the link threshold)");
    }
    Ok(())
}
