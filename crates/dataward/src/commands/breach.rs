//! `dataward breach open|list|assess|close`: incidents, their 72-hour clock and assessment.
//!
//! The assessment prints ids and names only, so it can go into a ticket or an email to the ICO
//! without spreading the breach further. Contact details of the persons to notify are written
//! only with `--export FILE`: a CSV created with owner-only permissions, for the mailing itself.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use dataward_core::breach::assessment::{Assessment, assess};
use dataward_core::breach::clock::ReportingClock;
use dataward_core::breach::contact::contact_of;
use dataward_core::breach::exposure::{Exposure, parse_categories};
use dataward_store::Store;
use dataward_store::breaches::{Breach, NewBreach};

use crate::cli::{BreachCommand, Global, YesNo};
use crate::config;

pub async fn run(global: &Global, cmd: BreachCommand) -> Result<()> {
    let store = config::open_store(global).await?;
    let now = config::now()?;
    match cmd {
        BreachCommand::Open { what, categories, description, detected_at } => {
            let exposure = Exposure::parse(&what)?;
            let categories = parse_categories(&categories)?;
            let detected_at = match detected_at {
                Some(t) => t.parse().with_context(|| format!("--detected-at `{t}` is not an RFC 3339 time"))?,
                None => now,
            };
            let breach = store
                .open_breach(
                    &NewBreach { exposure, categories, description, detected_at },
                    now,
                    dataward_core::audit::Actor::Cli,
                )
                .await?;
            let clock = ReportingClock::at(detected_at, now, None);
            println!("breach {} opened ({})", breach.id, breach.exposure);
            println!("report to the ICO by {} ({})", clock.deadline, clock.describe());
        }
        BreachCommand::List { json } => {
            let breaches = store.list_breaches().await?;
            let rows: Vec<(Breach, ReportingClock)> = breaches
                .into_iter()
                .map(|b| Ok::<_, anyhow::Error>((ReportingClock::at(b.detected()?, now, b.closed()?), b)))
                .map(|r| r.map(|(c, b)| (b, c)))
                .collect::<Result<_>>()?;
            if json {
                let value: Vec<_> = rows.iter().map(|(b, c)| serde_json::json!({ "breach": b, "clock": c })).collect();
                println!("{}", serde_json::to_string_pretty(&value)?);
            } else if rows.is_empty() {
                println!("no breach incidents");
            } else {
                for (b, c) in &rows {
                    let state = if b.closed_at.is_some() { "closed" } else { "open" };
                    println!("{} {state:<6} {} detected {} — {}", b.id, b.exposure, b.detected_at, c.describe());
                }
            }
        }
        BreachCommand::Assess { breach_id, json, export } => {
            let breach = store.breach(&breach_id).await?;
            let exposed = store.exposed_values(&breach.exposure()?).await?;
            let clock = ReportingClock::at(breach.detected()?, now, breach.closed()?);
            let assessment = assess(breach.exposure()?, &exposed, &breach.category_list()?, clock);
            if let Some(path) = &export {
                let written = export_contacts(&store, &assessment, path).await?;
                eprintln!("wrote contact details of {written} persons to {}", path.display());
            }
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "breach": breach, "assessment": assessment }))?
                );
            } else {
                print!("{}", render(&breach, &assessment));
            }
        }
        BreachCommand::Close { breach_id, reported_to_ico, note } => {
            let breach = store
                .close_breach(&breach_id, reported_to_ico == YesNo::Yes, &note, now, dataward_core::audit::Actor::Cli)
                .await?;
            let clock = ReportingClock::at(breach.detected()?, now, breach.closed()?);
            println!("breach {} closed ({})", breach.id, clock.describe());
        }
    }
    store.close().await;
    Ok(())
}

fn render(b: &Breach, a: &Assessment) -> String {
    let mut out = format!("breach {}: {}\n", b.id, b.exposure);
    out.push_str(&format!("  {}\n", b.description));
    out.push_str(&format!(
        "  detected {}; ICO deadline {} — {}\n",
        b.detected_at,
        a.clock.deadline,
        a.clock.describe()
    ));
    if !b.categories.is_empty() {
        out.push_str(&format!("  limited to: {}\n", b.categories.join(", ")));
    }
    out.push_str(&format!("  affected: {} persons, {} values\n", a.persons, a.values));
    for c in &a.categories {
        out.push_str(&format!("    {:<44} {:>8} persons {:>8} values\n", c.category, c.persons, c.values));
    }
    let list = |items: &[String]| if items.is_empty() { "none".to_string() } else { items.join(", ") };
    out.push_str(&format!("  notify clients: {}\n", list(&a.notify.clients)));
    out.push_str(&format!("  notify partners: {}\n", list(&a.notify.partners)));
    out.push_str(&format!("  notify persons ({}): {}\n", a.notify.persons.len(), list(&a.notify.persons)));
    if !a.notify.persons_no_longer_held.is_empty() {
        out.push_str(&format!(
            "  persons no longer held (no contact details left) ({}): {}\n",
            a.notify.persons_no_longer_held.len(),
            list(&a.notify.persons_no_longer_held)
        ));
    }
    out
}

/// Writes the persons' contact details as CSV to a new owner-only file; returns how many.
async fn export_contacts(store: &Store, a: &Assessment, path: &Path) -> Result<usize> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path).with_context(|| format!("creating {} (it must not exist yet)", path.display()))?;
    let mut csv = csv::Writer::from_writer(file);
    csv.write_record(["person_id", "first_name", "surname", "email", "phone", "address", "town", "postcode"])?;
    for person in &a.notify.persons {
        let facts = store.held_facts(person).await?;
        let c = contact_of(person, &facts);
        csv.write_record([
            &c.person_id,
            &c.first_name,
            &c.surname,
            &c.email,
            &c.phone,
            &c.address_lines.join(", "),
            &c.town,
            &c.postcode,
        ])?;
    }
    csv.into_inner().map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?.flush()?;
    Ok(a.notify.persons.len())
}
