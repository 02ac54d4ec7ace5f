//! `dataward demo`: a fresh local store with a synthetic population, loaded from three
//! overlapping partner files (typos, duplicates, bad rows included), then the server.

use anyhow::{Context, Result};
use dataward_core::partner::Channel;
use dataward_core::taxonomy::purposes;
use dataward_store::Store;
use dataward_store::partners::NewPartner;

use crate::cli::{DemoArgs, Global, IngestArgs, ModeArg};
use crate::{config, generate_cmd};

const PARTNERS: [(&str, Channel, &str); 3] = [
    ("competition-co", Channel::Competition, "competition-co.csv"),
    ("compare-hub", Channel::ComparisonSite, "compare-hub.csv"),
    ("lifestyle-club", Channel::LifestyleClub, "lifestyle-club.jsonl"),
];

pub async fn run(global: &Global, args: DemoArgs) -> Result<()> {
    let profile = config::load_profile(&global.profile)?;
    if args.dir.exists() {
        std::fs::remove_dir_all(&args.dir).with_context(|| format!("clearing {}", args.dir.display()))?;
    }
    let files_dir = args.dir.join("partner-files");
    std::fs::create_dir_all(&files_dir)?;
    let now = config::now()?;
    println!("generating {} synthetic persons (seed {}) into {} ...", args.persons, args.seed, files_dir.display());
    let generated = generate_cmd::run(args.persons, args.seed, &files_dir, config::uk_date(now))?;
    println!("{generated}");

    let db_path = args.dir.join("dataward.db");
    let url = dataward_store::store::sqlite_url_for_path(&db_path);
    let indexer = config::load_secret(&args.dir.join("dataward.secret"))?;
    let store = Store::open(&url, indexer).await?;

    let mut partner_keys = Vec::new();
    for (name, channel, file) in PARTNERS {
        let new = NewPartner { name: name.into(), channel, retention_days: profile.default_retention_days };
        let (_, key) = store.add_partner(&new, now).await?;
        partner_keys.push((name, key));
        let ingest = IngestArgs {
            partner: name.into(),
            file: files_dir.join(file),
            mode: ModeArg::Refresh,
            mapping: None,
            format: None,
            json: false,
        };
        let summary = super::ingest::ingest_path(&store, profile.clone(), &ingest).await?;
        println!("\n{file}:\n{summary}");
    }
    let contracted =
        [purposes::IDENTITY_VERIFICATION, purposes::TRACING, purposes::DEBT_RECOVERY, purposes::MARKETING_POST];
    let (client, client_key) = store.add_client("acme-collections", &contracted, now).await?;
    let totals = store.totals().await?;

    println!("\n== dataward demo ready ==");
    println!(
        "store:        {} ({} persons from {} partner records, {} values, {} rows quarantined)",
        db_path.display(),
        totals.persons,
        totals.source_records,
        totals.values,
        totals.quarantined
    );
    println!("partner files: {}", files_dir.display());
    println!(
        "sample client: {} (purposes: identity_verification, tracing, debt_recovery, marketing.post)",
        client.name
    );
    println!("  client key:  {}", client_key.reveal());
    let (first_partner, first_key) = &partner_keys[0];
    println!("partner {first_partner} key: {}", first_key.reveal());
    println!("\nlook around:");
    println!(
        "  dataward --database-url sqlite://{} --secret-file {} partner list",
        db_path.display(),
        args.dir.join("dataward.secret").display()
    );
    println!(
        "  dataward --database-url sqlite://{} --secret-file {} batches",
        db_path.display(),
        args.dir.join("dataward.secret").display()
    );
    if args.no_serve {
        store.close().await;
        return Ok(());
    }
    println!("  curl http://{}/health", args.listen);
    println!("  curl http://{}/openapi.json", args.listen);
    println!(
        "  curl -H 'Authorization: Bearer {}' -H 'Content-Type: text/csv' --data-binary @{} 'http://{}/v1/partner/files?mode=refresh'",
        first_key.reveal(),
        files_dir.join("competition-co.csv").display(),
        args.listen
    );
    let example = serde_json::json!({
        "purpose": "tracing",
        "subject": { "first_name": "…", "surname": "…", "date_of_birth": "YYYY-MM-DD",
                     "address_lines": ["…"], "postcode": "…" }
    });
    println!(
        "  curl -H 'Authorization: Bearer {}' -H 'Content-Type: application/json' -d '{}' http://{}/v1/client/trace",
        client_key.reveal(),
        example,
        args.listen
    );
    println!(
        "    (fill the subject from a row of {}; then `dataward ledger` and `dataward explain REQUEST_ID`)",
        files_dir.join("competition-co.csv").display()
    );
    println!("\nserving on http://{} (Ctrl-C to stop)", args.listen);
    let config = dataward_server::ServerConfig {
        public_url: format!("http://{}", args.listen),
        ..dataward_server::ServerConfig::default()
    };
    super::serve::serve_store(store, profile, args.listen, config).await
}
