//! `dataward purge --dry-run|--apply [--json]`: records past retention and withdrawn partners'
//! records past their rights-only hold, per partner, reason and category.

use anyhow::Result;
use dataward_core::lifecycle::report::PurgeReport;
use dataward_store::lifecycle::purge::PurgeRequest;

use crate::cli::{Global, PurgeArgs};
use crate::config;

pub async fn run(global: &Global, args: PurgeArgs) -> Result<()> {
    let profile = config::load_profile(&global.profile)?;
    let store = config::open_store(global).await?;
    let now = config::now()?;
    let request = PurgeRequest {
        now,
        today: config::uk_date(now),
        hold_days: profile.departed_partner_hold_days,
        thresholds: profile.linkage,
        apply: args.apply && !args.dry_run,
        actor: dataward_core::audit::Actor::Cli,
    };
    let report = store.purge(&request).await?;
    store.close().await;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", render(&report));
    }
    Ok(())
}

fn render(report: &PurgeReport) -> String {
    let verb = if report.applied { "removed" } else { "would remove (dry run; nothing changed)" };
    let mut out = format!(
        "purge at {}: {verb} {} records, {} values; {} persons left with no record\n",
        report.at, report.records, report.values, report.persons_removed
    );
    for p in &report.partners {
        out.push_str(&format!("  {} ({}): {} records\n", p.partner, p.reason.as_str(), p.records));
        for (category, n) in &p.categories {
            out.push_str(&format!("    {category:<44} {n:>8} values\n"));
        }
    }
    for h in &report.held_back {
        out.push_str(&format!(
            "  kept by a legal hold: {} ({}): {} records\n",
            h.partner,
            h.reason.as_str(),
            h.records
        ));
    }
    out
}
